using AccuScene.Otel.Alerts;
using AccuScene.Otel.Dashboard;

namespace AccuScene.Otel.Dashboard.Sources;

/// <summary>The dashboard's alerts section: the engine's pending and firing alerts, most severe first.</summary>
internal sealed class AlertsDashboardSource(AccuSceneAlertEngine? engine) : IDashboardAlertsSource
{
    public DashboardAlertsSection Read()
    {
        if (engine is null)
        {
            return new DashboardAlertsSection(false, []);
        }

        var active = engine.Active()
            .OrderByDescending(a => a.Severity)
            .ThenBy(a => a.Sequence) // the engine's order: a wall clock stepped back does not reorder them
            .Select(a => new DashboardAlert(
                a.Id,
                a.Rule,
                a.Severity.ToString().ToLowerInvariant(),
                a.State.ToString().ToLowerInvariant(),
                double.IsFinite(a.Value) ? a.Value : null,
                a.PendingSince,
                a.Annotations.GetValueOrDefault("summary"),
                a.Acknowledgement?.By))
            .ToList();
        // "Configured" is whether any rule is: the engine itself is registered whatever the configuration.
        return new DashboardAlertsSection(engine.Rules.Count > 0, active);
    }
}
