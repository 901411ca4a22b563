namespace AccuScene.Otel;

/// <summary>Sampling, sources and propagation of traces (<c>AccuScene:Tracing</c>).</summary>
public sealed class AccuSceneTracingOptions
{
    /// <summary>
    /// Gets or sets the ratio of new root traces kept, 0.0 to 1.0, under a parent-based sampler (a sampled
    /// parent is always followed). Default (<see langword="null"/>): <c>OTEL_TRACES_SAMPLER</c>, else keep all.
    /// </summary>
    public double? SamplingRatio { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the native HttpClient (<c>System.Net.Http</c>) and ASP.NET Core
    /// (<c>Microsoft.AspNetCore</c>) activity sources, and their meters (<c>System.Net.Http</c>,
    /// <c>Microsoft.AspNetCore.Hosting</c>, <c>Microsoft.AspNetCore.Server.Kestrel</c>), are collected too.
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool CollectHttp { get; set; } = true;

    /// <summary>
    /// Gets extra propagated headers: header name to attribute (and baggage key). The built-in ones,
    /// <c>x-accuscene-scene-id</c> to <c>accuscene.scene.id</c> and <c>x-accuscene-session-id</c> to
    /// <c>accuscene.session.id</c>, are always present. Header names are lower-case tokens, attribute names
    /// are dotted lower-case names; at most 16 entries.
    /// </summary>
    public Dictionary<string, string> PropagatedHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);
}
