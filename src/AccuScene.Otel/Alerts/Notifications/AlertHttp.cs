using System.Net;
using System.Net.Http.Headers;
using AccuScene.Otel.Diagnostics;
using OpenTelemetry;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// The HTTP client of the built-in channels, and the one way they POST. Redirects are not followed: .NET turns a
/// POST answered 301 or 302 into a GET without the body, which Alertmanager answers 200 with its alert list, so a
/// delivery would count as done while nothing arrived. A 3xx is a failure like any status outside 2xx. Only the
/// status is read; the response body is never buffered. The requests are neither traced nor measured.
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
            AllowAutoRedirect = false,
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
        exception is HttpRequestException { StatusCode: { } status }
        && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests) && (int)status < 500;

    /// <summary>POSTs a JSON body; throws <see cref="HttpRequestException"/> with the status when it is not 2xx.</summary>
    public async Task PostAsync(Uri url, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };

        // The SDK's own requests are not the application's traffic: no spans for them (and, by the meter factory, no metrics).
        using var suppress = SuppressInstrumentationScope.Begin();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                (int)response.StatusCode is >= 300 and < 400
                    ? $"The receiver answered {(int)response.StatusCode} ({response.ReasonPhrase}): a redirect is not followed, set the URL it points to."
                    : $"The receiver answered {(int)response.StatusCode} ({response.ReasonPhrase}).",
                inner: null,
                response.StatusCode);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _meters.Dispose();
    }
}
