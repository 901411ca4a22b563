using System.Net.Http.Headers;
using OpenTelemetry;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// POSTs notifications as JSON to a URL: the AccuScene document (<c>{ "source", "alerts": [ … ] }</c>, snake_case)
/// or a Slack incoming-webhook message (<c>{ "text": … }</c>). A status outside 2xx is a failure, so it is retried.
/// </summary>
internal sealed class WebhookAlertChannel : IAlertChannel, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly WebhookPayloadFormat _format;
    private readonly string _source;

    /// <summary>Creates a webhook channel.</summary>
    /// <param name="options">The URL, format and timeout.</param>
    /// <param name="source">Who is speaking: the service name, shown in the payload.</param>
    /// <exception cref="ArgumentException">The URL is missing or not http(s).</exception>
    public WebhookAlertChannel(WebhookChannelOptions options, string source)
    {
        ArgumentNullException.ThrowIfNull(options);
        _url = options.Url is { } url && OptionChecks.IsHttpUrl(url)
            ? url
            : throw new ArgumentException("A webhook channel needs an absolute http or https Url.", nameof(options));
        _format = options.Format;
        _source = source;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = options.Timeout };
        this.Name = "webhook:" + url.Authority;
    }

    /// <summary>Gets who is speaking in the payload: the resource's <c>service.name</c>.</summary>
    public string Source => _source;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public async Task DeliverAsync(IReadOnlyList<AlertNotification> notifications, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Any(n => n?.Alert is null))
        {
            throw new ArgumentException("The notifications must not hold null entries or entries without an alert.", nameof(notifications));
        }

        if (notifications.Count == 0)
        {
            return;
        }

        var body = _format == WebhookPayloadFormat.Slack ? AlertJson.Slack(notifications, _source) : AlertJson.Webhook(notifications, _source);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;

        // The SDK's own requests are not the application's traffic: no spans for them.
        using var suppress = SuppressInstrumentationScope.Begin();
        using var response = await _http.PostAsync(_url, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
