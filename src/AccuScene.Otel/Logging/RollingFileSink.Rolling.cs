using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Logging;

/// <summary>Rolling to the next file, and retention of the rolled ones by count and age.</summary>
internal sealed partial class RollingFileSink
{
    private bool TryRoll()
    {
        if (!this.TryFlushBuffer())
        {
            return false;
        }

        this.Close();
        try
        {
            if (_nextSequence < 0)
            {
                var existing = _names.FindRolled();
                _nextSequence = existing.Count == 0 ? 1 : existing[^1].Sequence + 1;
            }

            var target = _names.RolledPath(_nextSequence++);
            while (File.Exists(target))
            {
                target = _names.RolledPath(_nextSequence++);
            }

            File.Move(_names.ActivePath, target);
            Interlocked.Increment(ref _rolls);
            this.ApplyRetention(_names.FindRolled());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _lastError = ex;
            _retryAt = _time.GetUtcNow() + RetryDelay;
            return false;
        }

        return this.TryOpen();
    }

    private void ApplyRetention(List<(long Sequence, string Path)> rolled)
    {
        var keep = _maxFiles - 1;
        var cutoff = _maxAge is { } age ? _time.GetUtcNow() - age : DateTimeOffset.MinValue;
        for (var i = 0; i < rolled.Count; i++)
        {
            var tooMany = rolled.Count - i > keep;
            try
            {
                if (tooMany || (_maxAge is not null && File.GetLastWriteTimeUtc(rolled[i].Path) < cutoff.UtcDateTime))
                {
                    File.Delete(rolled[i].Path);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneEventSource.Log.LogOutputFailed(OutputName, "retention_failed", 0, ex);
            }
        }
    }
}
