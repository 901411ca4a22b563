namespace AccuScene.Otel;

/// <summary>How the profiler bounds what it keeps (<c>AccuScene:Profiling</c>).</summary>
public sealed class AccuSceneProfilingOptions
{
    /// <summary>
    /// Gets or sets the most distinct scope names one session keeps, 1 to 10000. Scopes with further names are
    /// recorded under <c>(overflow)</c> and counted on <c>accuscene.otel.profiling.scopes.overflowed</c>. Default: 256.
    /// </summary>
    public int MaxScopes { get; set; } = 256;

    /// <summary>Gets or sets the longest scope name kept, in characters, 16 to 1024; a longer one is cut. Default: 128.</summary>
    public int MaxScopeNameLength { get; set; } = 128;
}
