using AccuScene.Otel.Alerts;

namespace AccuScene.Otel;

/// <summary>Alerting rules and how they are evaluated (<c>AccuScene:Alerts</c>).</summary>
public sealed class AccuSceneAlertsOptions
{
    /// <summary>Gets or sets how often the metric pipeline feeds the rules, 500 to 60000 ms. Default: 2000.</summary>
    public int EvaluationIntervalMilliseconds { get; set; } = 2000;

    /// <summary>Gets or sets how many resolved alerts are kept, 1 to 100000. Default: 500.</summary>
    public int HistorySize { get; set; } = 500;

    /// <summary>Gets the rules (<c>AccuScene:Alerts:Rules:0:Name</c>, …). None by default.</summary>
    public List<AlertRule> Rules { get; } = [];
}
