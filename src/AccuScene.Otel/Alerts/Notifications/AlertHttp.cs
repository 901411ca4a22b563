using System.Net;
using System.Net.Http.Headers;
using AccuScene.Otel.Diagnostics;
using OpenTelemetry;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// The HTTP client of the built-in channels, and the one way they POST. A redirect that keeps the POST (307, 308:
/// an ingress sending http to https) is followed. One that .NET follows with a GET without the body (301, 302,
/// 303) is a failure, not retried: Alertmanager answers that GET 200 with its alert list, so the delivery would
/// count as done while nothing arrived. Only the status is read; the response body is never buffered. The requests
/// are neither traced nor measured by the app's <c>System.Net.Http</c> meter.
/// </summary>
internal sealed class AlertHttp : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly PrivateMeterFactory _meters = new();
    private readonly HttpClient _http;

    public AlertHttp(TimeSpan timeout)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MeterFactory = _meters,
        })
        {
            Timeout = timeout,
        };
    }

    /// <summary>
    /// Returns whether a failure will not go away by asking again: a status other than 408, 429 or 5xx (a revoked
    /// webhook's 404, a 400 for a payload the receiver refuses, a redirect). Network errors and timeouts are retried.
    /// </summary>
    public static bool IsPermanent(Exception exception) =>
        exception is RedirectedToGetException
        || (exception is HttpRequestException { StatusCode: { } status }
            && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests) && (int)status < 500);

    /// <summary>POSTs a JSON body; throws <see cref="HttpRequestException"/> with the status when it is not 2xx.</summary>
    public async Task PostAsync(Uri url, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };

        // The SDK's own requests are not the application's traffic: no spans for them (and, by the meter factory, no metrics).
        using var suppress = SuppressInstrumentationScope.Begin();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.RequestMessage?.Method != HttpMethod.Post)
        {
            throw new RedirectedToGetException(url, response.RequestMessage?.RequestUri);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ReceiverStatusException($"The receiver answered {(int)response.StatusCode} ({response.ReasonPhrase}).", response.StatusCode, response.Headers.RetryAfter);
        }
    }

    /// <summary>
    /// How long the receiver asked to be left alone (<c>Retry-After</c>, with a 429 or 503), at most <paramref name="longest"/>;
    /// <see langword="null"/> when it did not ask, so the backoff decides.
    /// </summary>
    public static TimeSpan? RetryAfter(Exception? exception, DateTimeOffset now, TimeSpan longest)
    {
        if (exception is not ReceiverStatusException { RetryAfter: { } asked })
        {
            return null;
        }

        var delay = asked.Delta ?? (asked.Date - now);
        return delay > TimeSpan.Zero ? (delay < longest ? delay : longest) : null;
    }

    public void Dispose()
    {
        _http.Dispose();
        _meters.Dispose();
    }

    /// <summary>A status outside 2xx, with what the receiver said of asking again.</summary>
    private sealed class ReceiverStatusException(string message, HttpStatusCode status, RetryConditionHeaderValue? retryAfter)
        : HttpRequestException(message, inner: null, status)
    {
        public RetryConditionHeaderValue? RetryAfter { get; } = retryAfter;
    }

    /// <summary>
    /// The receiver redirected the POST with a 301, 302 or 303, which .NET follows with a GET without the body. The
    /// message shows where to only by scheme, host and port: a webhook's path (and user info) may be its secret.
    /// </summary>
    private sealed class RedirectedToGetException(Uri url, Uri? target) : HttpRequestException(
        $"The receiver redirected the POST (301, 302 or 303{Where(url, target)}), which is followed with a GET without the alerts; set the URL it points to, or have it answer 307 or 308.")
    {
        private static string Where(Uri url, Uri? target)
        {
            if (target is not { IsAbsoluteUri: true })
            {
                return string.Empty;
            }

            var origin = target.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
            return string.Equals(target.PathAndQuery, url.PathAndQuery, StringComparison.Ordinal)
                ? $" to the same path on {origin}"
                : $" to another path on {origin}, not shown";
        }
    }
}
