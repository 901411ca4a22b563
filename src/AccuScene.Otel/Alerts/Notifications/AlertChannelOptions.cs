using System.ComponentModel.DataAnnotations;
namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>The Alertmanager v2 channel (<c>AccuScene:Alerts:Alertmanager</c>).</summary>
public sealed class AlertmanagerChannelOptions
{
    /// <summary>Gets or sets Alertmanager's base URL, for example <c>http://127.0.0.1:9093</c>. Default: none (the channel is off).</summary>
    public Uri? Url { get; set; }

    /// <summary>
    /// Gets or sets how often firing alerts are sent again. Each carries
    /// <c>endsAt = now + 3 × ResendInterval</c>, so Alertmanager resolves them itself if this process stops. Default: 1 minute.
    /// </summary>
    [DurationRange("00:00:01", "01:00:00")]
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long a resolved alert keeps being sent (with its <c>endsAt</c>). Default: 15 minutes.</summary>
    [DurationRange("00:00:00", "1.00:00:00")]
    public TimeSpan ResolvedResendFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the timeout of one request. Default: 10 seconds.</summary>
    [DurationRange("00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>What a webhook receives.</summary>
public enum WebhookPayloadFormat
{
    /// <summary>The AccuScene JSON document: <c>{ "source", "alerts": [ … ] }</c>.</summary>
    Json,

    /// <summary>A Slack incoming-webhook message: <c>{ "text": … }</c>.</summary>
    Slack,
}

/// <summary>One webhook channel (<c>AccuScene:Alerts:Webhooks:&lt;n&gt;</c>).</summary>
public sealed class WebhookChannelOptions
{
    /// <summary>Gets or sets where notifications are POSTed (http or https). Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>Gets or sets the payload. Default: <see cref="WebhookPayloadFormat.Json"/>.</summary>
    public WebhookPayloadFormat Format { get; set; } = WebhookPayloadFormat.Json;

    /// <summary>Gets or sets the timeout of one request. Default: 10 seconds.</summary>
    [DurationRange("00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The background delivery shared by all channels (<c>AccuScene:Alerts:Delivery</c>).</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>Gets or sets how many notifications wait per channel (and at most 16 MiB of them); beyond it the oldest are dropped and counted. Default: 1000.</summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Gets or sets how many times a failed delivery is retried, with exponential backoff and jitter. Default: 5.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the first retry's delay; each later one doubles, up to <see cref="MaxRetryDelay"/>. Default: 1 second.</summary>
    [DurationRange("00:00:00.010", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between two retries; not shorter than <see cref="RetryDelay"/>. Default: 30 seconds.</summary>
    [DurationRange("00:00:00.010", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
