using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Health;

namespace AccuScene.Otel.Dashboard.Sources;

/// <summary>The dashboard's health section: the readiness report of the scheduled checks, when health is registered.</summary>
internal sealed class HealthDashboardSource(AccuSceneHealthMonitor? monitor) : IDashboardHealthSource
{
    public DashboardHealthSection Read(List<DashboardMetric> metrics)
    {
        if (monitor is null)
        {
            return new DashboardHealthSection(null, [], metrics);
        }

        var report = monitor.GetReport(HealthProbe.Ready);
        var checks = report.Entries
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => new DashboardHealthCheck(e.Name, e.Pending ? "pending" : e.Status.ToString().ToLowerInvariant(), e.Description, e.LastDuration?.TotalMilliseconds, e.Critical))
            .ToList();
        return new DashboardHealthSection(report.Status.ToString().ToLowerInvariant(), checks, metrics);
    }
}
