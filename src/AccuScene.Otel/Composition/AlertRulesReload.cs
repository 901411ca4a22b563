using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Creates the alert engine of a provider and, under <c>AddAccuScene()</c>, keeps its rules in step with the options:
/// every validated reload of the <c>AccuScene</c> section or of the rules file that changes the configured rules
/// replaces them, keeping the state of those that did not change and every rule added in code under another name.
/// A reload of other settings (any change in the app's configuration signals one) leaves the rules alone.
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

            // The validated options of the newest reload (the same ones IOptionsMonitor<AccuSceneOptions> reports),
            // read under one lock: two reloads whose handlers overlap (an app listener slow on the first) end with
            // the newer rules whichever handler finishes last.
            var applied = new AppliedOptions(current);
            reload.Reloaded += _ => ApplyNewest(engine, reload, applied, logger);

            // A reload between reading them and subscribing would otherwise wait for the next one.
            ApplyNewest(engine, reload, applied, logger);
        }

        return engine;
    }

    private static void ApplyNewest(AccuSceneAlertEngine engine, AccuSceneOptionsReloadSource reload, AppliedOptions applied, ILogger? logger)
    {
        lock (applied.Gate)
        {
            if (reload.Current is { } newest && !ReferenceEquals(newest, applied.Options))
            {
                applied.Options = newest;
                if (Apply(engine, applied.Rules, newest, logger))
                {
                    applied.Rules = [.. newest.Alerts.Rules];
                }
            }
        }
    }

    private sealed class AppliedOptions(AccuSceneOptions options)
    {
        public Lock Gate { get; } = new();

        public AccuSceneOptions Options { get; set; } = options;

        /// <summary>Gets or sets the configured rules last applied to the engine.</summary>
        public IReadOnlyList<AlertRule> Rules { get; set; } = [.. options.Alerts.Rules];
    }

    // Whether the configured rules are now next's (changed and applied, or the same already).
    private static bool Apply(AccuSceneAlertEngine engine, IReadOnlyList<AlertRule> previous, AccuSceneOptions next, ILogger? logger)
    {
        try
        {
            if (engine.ReplaceConfiguredRules(previous, next.Alerts.Rules) && logger is not null)
            {
                AccuSceneOptionsLog.RulesReloaded(logger, next.Alerts.Rules.Count);
            }

            return true;
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

            return false;
        }
    }
}
