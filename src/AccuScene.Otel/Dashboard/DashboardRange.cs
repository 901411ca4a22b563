namespace AccuScene.Otel.Dashboard;

/// <summary>The range of a dashboard model's history.</summary>
internal enum DashboardRange
{
    /// <summary>5 minutes, one point per sample interval (1 s by default).</summary>
    FiveMinutes,

    /// <summary>1 hour, one point per 10 s.</summary>
    OneHour,

    /// <summary>24 hours, one point per minute.</summary>
    OneDay,
}
