namespace AccuScene.Otel.Dashboard;

/// <summary>The health section of the dashboard, read from the health feature when it is registered (Sources/HealthDashboardSource).</summary>
internal interface IDashboardHealthSource
{
    /// <summary>Reads the readiness report, with the health metrics shown beside it.</summary>
    DashboardHealthSection Read(List<DashboardMetric> metrics);
}

/// <summary>The alerts section of the dashboard, read from the alert engine (Sources/AlertsDashboardSource).</summary>
internal interface IDashboardAlertsSource
{
    /// <summary>Reads the pending and firing alerts, most severe first.</summary>
    DashboardAlertsSection Read();
}

/// <summary>The recent events of the dashboard, read from the event store when there is one (Sources/EventsDashboardSource).</summary>
internal interface IDashboardEventsSource
{
    /// <summary>Reads the newest events of severity info and above.</summary>
    DashboardEventsSection Read(int limit);
}
