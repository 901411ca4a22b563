namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// POSTs notifications as JSON to a URL: the AccuScene document (<c>{ "source", "alerts": [ … ] }</c>, snake_case)
/// or a Slack incoming-webhook message (<c>{ "text": … }</c>). A status outside 2xx is a failure, and so is a redirect
/// that .NET would follow with a GET (see <see cref="AlertHttp"/>).
/// </summary>
internal sealed class WebhookAlertChannel : IAlertChannel, IDisposable
{
    private readonly AlertHttp _http;
    private readonly Uri _url;
    private readonly WebhookPayloadFormat _format;
    private readonly Func<string> _source;

    // The Slack messages of the batch being delivered and how many of them went: a retry of the same batch (the
    // worker hands the same list again) resumes after them. The worker delivers one batch at a time.
    private IReadOnlyList<AlertNotification>? _batch;
    private IReadOnlyList<byte[]> _messages = [];
    private int _sent;

    /// <summary>Creates a webhook channel.</summary>
    /// <param name="options">The URL, format and timeout.</param>
    /// <param name="source">Who is speaking: the service name, shown in the payload.</param>
    /// <param name="ordinal">Which webhook on this host and port it is (1 for the first): the second is named <c>webhook:host:port#2</c>, so their counts stay apart.</param>
    /// <exception cref="ArgumentException">The URL is missing or not http(s).</exception>
    public WebhookAlertChannel(WebhookChannelOptions options, string source, int ordinal = 1)
        : this(options, () => source, ordinal)
    {
    }

    /// <summary>Creates a webhook channel whose source is read at each delivery (the provider's resource is known only once it collects).</summary>
    /// <param name="options">The URL, format and timeout.</param>
    /// <param name="source">Who is speaking, read at each delivery.</param>
    /// <param name="ordinal">Which webhook on this host and port it is.</param>
    /// <exception cref="ArgumentException">The URL is missing or not http(s).</exception>
    public WebhookAlertChannel(WebhookChannelOptions options, Func<string> source, int ordinal = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        _url = options.Url is { } url && OptionChecks.IsHttpUrl(url)
            ? url
            : throw new ArgumentException("A webhook channel needs an absolute http or https Url.", nameof(options));
        _format = options.Format;
        _source = source;
        _http = new AlertHttp(options.Timeout);
        this.Name = ordinal <= 1 ? "webhook:" + url.Authority : $"webhook:{url.Authority}#{ordinal}";
    }

    /// <summary>Gets who is speaking in the payload: the resource's <c>service.name</c>.</summary>
    public string Source => _source();

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

        if (_format != WebhookPayloadFormat.Slack)
        {
            await _http.PostAsync(_url, AlertJson.Webhook(notifications, this.Source), cancellationToken).ConfigureAwait(false);
            return;
        }

        // Several messages when the lines do not fit in one. A failure part-way (Slack's rate limit, say) is retried
        // from the message that failed, so a retry neither repeats the ones that went nor spends the limit on them.
        if (!ReferenceEquals(notifications, _batch))
        {
            (_batch, _messages, _sent) = (notifications, AlertJson.Slack(notifications, this.Source), 0);
        }

        for (; _sent < _messages.Count; _sent++)
        {
            await _http.PostAsync(_url, _messages[_sent], cancellationToken).ConfigureAwait(false);
        }

        (_batch, _messages) = (null, []);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
