using System.ComponentModel.DataAnnotations;
namespace AccuScene.Otel;

/// <summary>Sampling, sources and propagation of traces (<c>AccuScene:Tracing</c>).</summary>
public sealed class AccuSceneTracingOptions
{
    /// <summary>
    /// Gets or sets the ratio of new root traces kept, under a parent-based sampler (a sampled
    /// parent is always followed). Default (<see langword="null"/>): <c>OTEL_TRACES_SAMPLER</c>, else keep all.
    /// </summary>
    [Range(0.0, 1.0)]
    public double? SamplingRatio { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether HTTP is collected too: HttpClient spans from the native
    /// <c>System.Net.Http</c> source, ASP.NET Core server spans through OpenTelemetry's ASP.NET Core
    /// instrumentation (named <c>{method} {route}</c>, with the HTTP semantic-convention attributes), and the
    /// <c>System.Net.Http</c>, <c>Microsoft.AspNetCore.Hosting</c> and <c>Microsoft.AspNetCore.Server.Kestrel</c>
    /// meters. Default: <see langword="true"/>.
    /// </summary>
    public bool CollectHttp { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the SDK's own endpoints (<c>/health*</c>, <c>/dashboard*</c>,
    /// <c>/alerts*</c>, <c>/events</c>, <c>/profiling</c>, wherever they are mapped) produce server spans and
    /// HTTP request metrics like the app's own endpoints. Default: <see langword="false"/>: probes and open
    /// dashboards do not change the app's traces and latency figures.
    /// </summary>
    public bool IncludeSdkEndpoints { get; set; }

    /// <summary>
    /// Gets extra propagated headers: header name to attribute (and baggage key). The built-in ones,
    /// <c>x-accuscene-scene-id</c> to <c>accuscene.scene.id</c> and <c>x-accuscene-session-id</c> to
    /// <c>accuscene.session.id</c>, are always present. Header names are lower-case tokens, attribute names
    /// are dotted lower-case names; at most 16 entries.
    /// </summary>
    public Dictionary<string, string> PropagatedHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);
}
