using System.ComponentModel.DataAnnotations;
namespace AccuScene.Otel;

/// <summary>How the profiler bounds what it keeps (<c>AccuScene:Profiling</c>).</summary>
public sealed class AccuSceneProfilingOptions
{
    /// <summary>
    /// Gets or sets the most distinct scope names one session keeps. Scopes with further names are
    /// recorded under <c>(overflow)</c> and counted on <c>accuscene.otel.profiling.scopes.overflowed</c>. Default: 256.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxScopes { get; set; } = 256;

    /// <summary>Gets or sets the longest scope name kept, in characters; a longer one is cut. Default: 128.</summary>
    [Range(16, 1024)]
    public int MaxScopeNameLength { get; set; } = 128;

    /// <summary>
    /// Gets or sets a value indicating whether each scope is also a span on the <c>AccuScene.Profiling</c> source.
    /// Scopes are usually short and many, so by default they are only measured: the histogram
    /// <c>accuscene.profiling.scope.duration</c> and the session data of <c>/profiling</c>. Default: <see langword="false"/>.
    /// </summary>
    public bool Spans { get; set; }
}
