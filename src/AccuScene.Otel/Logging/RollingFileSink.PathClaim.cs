namespace AccuScene.Otel.Logging;

/// <summary>One writer per file in this process: two sinks on one path would overwrite each other's lines.</summary>
internal sealed partial class RollingFileSink
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RollingFileSink> ActivePaths = new(StringComparer.Ordinal);

    /// <summary>
    /// Claims the path for a sink created while another one held it (a startup logger, a host built before the
    /// last one was disposed): once that one is disposed, this one writes. Until then its lines are dropped,
    /// counted as <c>path_in_use</c>.
    /// </summary>
    private bool TryClaimPath()
    {
        if (ActivePaths.TryAdd(_names.ActivePath, this))
        {
            _pathInUse = false;
        }

        return !_pathInUse;
    }
}
