using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Creates the alert engine of a provider and, under <c>AddAccuScene()</c>, keeps its rules in step with the options:
/// every validated reload of the <c>AccuScene</c> section or of the rules file replaces the rules, keeping the state
/// of those that did not change.
/// </summary>
internal static class AlertRulesReload
{
    public static AccuSceneAlertEngine CreateEngine(IServiceProvider services, AccuSceneOptions options)
    {
        var engine = new AccuSceneAlertEngine(options.Alerts.Rules, services.GetService<TimeProvider>(), options.Alerts.HistorySize)
        {
            IdentityLabels = AccuSceneResourceDetector.IdentityLabels(options.Service, services.GetService<IConfiguration>()),
        };

        if (services.GetService<AccuSceneOptionsReloadSource>() is { } reload)
        {
            reload.WatchRulesFile(options.Alerts.RulesFile);
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("AccuScene.Otel.Alerts");

            // Held by the monitor for the container's lifetime, as the engine is.
            _ = services.GetRequiredService<IOptionsMonitor<AccuSceneOptions>>().OnChange(next => Apply(engine, next, logger));
        }

        return engine;
    }

    private static void Apply(AccuSceneAlertEngine engine, AccuSceneOptions next, ILogger? logger)
    {
        try
        {
            engine.ReplaceRules(next.Alerts.Rules);
            if (logger is not null)
            {
                AccuSceneOptionsLog.RulesReloaded(logger, next.Alerts.Rules.Count);
            }
        }
        catch (ArgumentException ex)
        {
            // Validated already; a rule the engine still refuses keeps the previous rules, counted like any refused reload.
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.OptionsReloadFailures, 1);
            AccuSceneEventSource.Log.OptionsReloadRefused(ex.Message);
            if (logger is not null)
            {
                AccuSceneOptionsLog.ReloadRefused(logger, ex, ex.Message);
            }
        }
    }
}
