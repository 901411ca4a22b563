namespace AccuScene.Otel.Dashboard;

/// <summary>The health section of the dashboard, contributed by the health feature when it is registered.</summary>
internal interface IDashboardHealthSource
{
    /// <summary>Reads the readiness report, with the health metrics shown beside it.</summary>
    DashboardHealthSection Read(List<DashboardMetric> metrics);
}

/// <summary>The alerts section of the dashboard, contributed by the alerts feature.</summary>
internal interface IDashboardAlertsSource
{
    /// <summary>Reads the pending and firing alerts, most severe first.</summary>
    DashboardAlertsSection Read();
}

/// <summary>The recent events of the dashboard, contributed by the events feature.</summary>
internal interface IDashboardEventsSource
{
    /// <summary>Reads the newest events of severity info and above.</summary>
    DashboardEventsSection Read(int limit);
}
