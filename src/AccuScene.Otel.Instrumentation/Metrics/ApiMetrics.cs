using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using AccuScene.Otel.Instrumentation.Tracing;

namespace AccuScene.Otel.Instrumentation.Metrics;

/// <summary>
/// HTTP API instruments on the meter <c>AccuScene.Api</c>, for request handling outside ASP.NET Core's own
/// metrics: <c>http.server.request.duration</c>, requests, errors and requests in flight.
/// See <c>docs/metrics.md</c>.
/// </summary>
public sealed class ApiMetrics : AccuSceneInstrumentSet
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AccuScene.Api";

    private static readonly string[] StatusCodes = Enumerable.Range(0, 600).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

    // http.response.status_code is an int, as ASP.NET Core records it; boxed once per code, not per request.
    private static readonly object[] BoxedStatusCodes = Enumerable.Range(0, 600).Select(c => (object)c).ToArray();

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly UpDownCounter<long> _inFlight;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The DI meter factory, or <see langword="null"/>.</param>
    /// <param name="namePrefix">Optional prefix for <c>accuscene.*</c> names.</param>
    public ApiMetrics(IMeterFactory? meterFactory = null, string? namePrefix = null)
        : base(MeterName, meterFactory, namePrefix)
    {
        _duration = this.Meter.CreateHistogram<double>(
            "http.server.request.duration",
            "s",
            "Duration of HTTP server requests.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBoundaries.HttpRequestDuration });
        _requests = this.Meter.CreateCounter<long>(this.Name("accuscene.api.requests"), "{request}", "API requests handled.");
        _errors = this.Meter.CreateCounter<long>(this.Name("accuscene.api.errors"), "{request}", "API requests that ended in a 5xx status or an exception.");
        _inFlight = this.Meter.CreateUpDownCounter<long>(this.Name("accuscene.api.in_flight"), "{request}", "API requests being handled now.");
    }

    /// <summary>Marks a request as started; pair with <see cref="RequestCompleted"/>.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="route">The route template.</param>
    public void RequestStarted(string method, string route) =>
        _inFlight.Add(1, new TagList { { SemanticConventions.HttpRequestMethod, HttpMethods.Normalize(method) }, { SemanticConventions.HttpRoute, this.Bound(route, "accuscene.api.in_flight") } });

    /// <summary>Records a finished request, and takes it off <c>accuscene.api.in_flight</c> (pair it with <see cref="RequestStarted"/>).</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="route">The route template, for example <c>/scenes/{id}</c>.</param>
    /// <param name="statusCode">The response status code.</param>
    /// <param name="durationSeconds">How long it took, in seconds.</param>
    /// <param name="errorType">The exception type when it failed without a status, else <see langword="null"/>.</param>
    /// <param name="urlScheme">
    /// The <c>url.scheme</c> the request came in with, <c>http</c> or <c>https</c> in any case (the conventions require it
    /// on <c>http.server.request.duration</c>). Any other value is refused: the request is recorded without the tag and
    /// counted on <c>accuscene.metrics.rejected</c>, since calling it <c>http</c> would misreport it.
    /// </param>
    public void RequestCompleted(string method, string route, int statusCode, double durationSeconds, string? errorType = null, string urlScheme = "http")
    {
        method = HttpMethods.Normalize(method);
        route = this.Bound(route, "http.server.request.duration");
        errorType = string.IsNullOrEmpty(errorType) ? null : this.Bound(errorType, "http.server.request.duration"); // "" is no error
        _inFlight.Add(-1, new TagList { { SemanticConventions.HttpRequestMethod, method }, { SemanticConventions.HttpRoute, route } });

        // A code outside 100-599 is no HTTP status: it gets no status tag, and counts as an error of type _OTHER.
        var valid = statusCode is >= 100 and < 600;
        var failed = errorType is not null || statusCode >= 500 || !valid;
        var tags = new TagList
        {
            { SemanticConventions.HttpRequestMethod, method },
            { SemanticConventions.HttpRoute, route },
        };
        if (this.Scheme(urlScheme) is { } scheme)
        {
            tags.Add(SemanticConventions.UrlScheme, scheme);
        }
        if (valid)
        {
            tags.Add(SemanticConventions.HttpResponseStatusCode, BoxedStatusCodes[statusCode]);
        }

        if (failed)
        {
            tags.Add(SemanticConventions.ErrorType, errorType ?? (valid ? StatusCodes[statusCode] : HttpMethods.Other));
        }

        if (this.Accept(durationSeconds, "http.server.request.duration"))
        {
            _duration.Record(durationSeconds, tags);
        }

        _requests.Add(1, tags);
        if (failed)
        {
            _errors.Add(1, tags);
        }
    }

    // The two schemes an HTTP server request has, as constants (no allocation per request); anything else is counted.
    private string? Scheme(string? urlScheme)
    {
        if (string.Equals(urlScheme, "http", StringComparison.OrdinalIgnoreCase))
        {
            return "http";
        }

        if (string.Equals(urlScheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            return "https";
        }

        this.Reject("http.server.request.duration");
        return null;
    }
}
