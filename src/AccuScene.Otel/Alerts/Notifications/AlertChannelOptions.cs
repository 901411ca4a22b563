namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>The Alertmanager v2 channel (<c>AccuScene:Alerts:Alertmanager</c>).</summary>
public sealed class AlertmanagerChannelOptions
{
    /// <summary>Gets or sets Alertmanager's base URL, for example <c>http://127.0.0.1:9093</c>. Default: none (the channel is off).</summary>
    public Uri? Url { get; set; }

    /// <summary>
    /// Gets or sets how often firing alerts are sent again, 1 second to 1 hour. Each carries
    /// <c>endsAt = now + 3 × ResendInterval</c>, so Alertmanager resolves them itself if this process stops. Default: 1 minute.
    /// </summary>
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long a resolved alert keeps being sent (with its <c>endsAt</c>), 0 to 1 day. Default: 15 minutes.</summary>
    public TimeSpan ResolvedResendFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the timeout of one request, 100 ms to 5 minutes. Default: 10 seconds.</summary>
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

    /// <summary>Gets or sets the timeout of one request, 100 ms to 5 minutes. Default: 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The background delivery shared by all channels (<c>AccuScene:Alerts:Delivery</c>).</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>Gets or sets how many notifications wait per channel, 1 to 100000; beyond it the oldest are dropped and counted. Default: 1000.</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Gets or sets how many times a failed delivery is retried, with exponential backoff and jitter, 0 to 20. Default: 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the first retry's delay, 10 ms to 1 minute; each later one doubles, up to <see cref="MaxRetryDelay"/>. Default: 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between two retries, from <see cref="RetryDelay"/> to 10 minutes. Default: 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
