using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        // A reload validated since the options were first read (logging is built before the meter provider) wins.
        var reload = services.GetService<AccuSceneOptionsReloadSource>();
        var current = reload?.Current ?? options;
        var engine = new AccuSceneAlertEngine(current.Alerts.Rules, services.GetService<TimeProvider>(), options.Alerts.HistorySize)
        {
            IdentityLabels = AccuSceneResourceDetector.IdentityLabels(options.Service, services.GetService<IConfiguration>()),
        };

        if (reload is not null)
        {
            // The file of the options the rules came from (a reload may have changed it since the start).
            reload.WatchRulesFile(current.Alerts.RulesFile);
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("AccuScene.Otel.Alerts");

            // The validated options of each reload (the same ones IOptionsMonitor<AccuSceneOptions> reports).
            reload.Reloaded += next => Apply(engine, next, logger);

            // A reload between reading them and subscribing would otherwise wait for the next one.
            if (reload.Current is { } newer && !ReferenceEquals(newer, current))
            {
                Apply(engine, newer, logger);
            }
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
