using System.ComponentModel.DataAnnotations;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;

namespace AccuScene.Otel;

/// <summary>Alerting rules, how they are evaluated, and where notifications go (<c>AccuScene:Alerts</c>).</summary>
public sealed class AccuSceneAlertsOptions
{
    /// <summary>
    /// Gets or sets how often the metric pipeline feeds the rules, in milliseconds. Default: 2000. The rules share
    /// one in-process reader with the dashboard; with the dashboard on, that reader collects at the dashboard's
    /// sample interval (1000 ms by default) and the rules are fed at that pace instead.
    /// </summary>
    [Range(500, 60_000)]
    public int EvaluationIntervalMilliseconds { get; set; } = 2000;

    /// <summary>Gets or sets how many resolved alerts are kept (and at most 16 MiB of them). Default: 500.</summary>
    [Range(1, 100_000)]
    public int HistorySize { get; set; } = 500;

    /// <summary>Gets the rules (<c>AccuScene:Alerts:Rules:0:Name</c>, …). None by default.</summary>
    public List<AlertRule> Rules { get; } = [];

    /// <summary>
    /// Gets or sets a JSON file of more rules, shaped <c>{ "Rules": [ { "Name": …, "Metric": … } ] }</c> with the
    /// same settings as <see cref="Rules"/>. A relative path is resolved against the working directory. Default: none.
    /// </summary>
    public string? RulesFile { get; set; }

    /// <summary>Gets the Alertmanager channel (<c>AccuScene:Alerts:Alertmanager</c>); off while its URL is empty.</summary>
    public AlertmanagerChannelOptions Alertmanager { get; } = new();

    /// <summary>Gets the webhook channels (<c>AccuScene:Alerts:Webhooks:0:Url</c>, …). None by default.</summary>
    public List<WebhookChannelOptions> Webhooks { get; } = [];

    /// <summary>
    /// Gets or sets the bearer token that <c>POST /alerts/{id}/ack</c> requires of a request that is not local (see
    /// <see cref="AccuSceneEndpointsOptions"/>: a server listening beyond loopback, a caller not on loopback, a
    /// forwarding header), and of every request when <see cref="AccuSceneEndpointsOptions.RequireTokens"/> is on, unless
    /// the app's own authorization on the endpoint admitted it. Without one, acknowledging is refused there. Default: none.
    /// </summary>
    public string? AcknowledgeToken { get; set; }

    /// <summary>Gets the delivery queue and retry settings shared by every channel (<c>AccuScene:Alerts:Delivery</c>).</summary>
    public AlertDeliveryOptions Delivery { get; } = new();
}
