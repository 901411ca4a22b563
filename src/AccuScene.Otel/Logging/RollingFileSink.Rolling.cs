using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Logging;

/// <summary>Rolling to the next file, and retention of the rolled ones by count and age.</summary>
internal sealed partial class RollingFileSink
{
    private bool _rollable = true;

    /// <summary>
    /// Whether the active path is this sink's to roll. A path that is a link (<c>app.log -&gt; /dev/stdout</c> in a
    /// container) or holds no regular file (a pipe, a device) is someone else's: a roll would rename the link, and the
    /// lines would go on into a new plain file instead of its target. Such a path is written to and never rolled.
    /// </summary>
    private bool IsRollable(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return false;
        }

        try
        {
            return new FileInfo(_names.ActivePath).LinkTarget is null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true; // cannot tell: a roll reports its own failure
        }
    }

    /// <summary>
    /// Rolls before a line of <paramref name="lineLength"/> bytes would overflow the file. When the roll fails (a
    /// rename refused, say) the lines keep going into the active file, up to twice its size limit, and the roll
    /// is tried again a second later; only past that are lines dropped (and counted).
    /// </summary>
    /// <returns>Whether the line may be written; when not, <paramref name="reason"/> says why it is dropped.</returns>
    private bool RollOrOverrun(int lineLength, out string reason)
    {
        reason = string.Empty;
        if (this.RetryDue(_rollFailedAt) && this.TryRoll())
        {
            return true;
        }

        if (_stream is null && !this.TryOpen())
        {
            reason = "open_failed"; // the buffer's write failed, or the file could not be opened again
            return false;
        }

        reason = "roll_failed";
        return _length + lineLength <= 2 * _maxBytes;
    }

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
            this.DateByTheClock(target);
            this.TouchProcessLock();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _lastError = ex;
            _rollFailedAt = _time.GetTimestamp();
            Interlocked.Increment(ref _rollFailures);
            AccuSceneEventSource.Log.LogOutputFailed(OutputName, "roll_failed", 0, ex);
            return false;
        }

        Interlocked.Increment(ref _rolls);
        try
        {
            this.ApplyRetention(_names.FindRolled());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The roll itself is done; the next one lists the directory again.
            AccuSceneEventSource.Log.LogOutputFailed(OutputName, "retention_failed", 0, ex);
        }

        return this.TryOpen();
    }

    // MaxAge compares a rolled file's last write with the TimeProvider's now: a file this sink rolls is dated by that
    // clock when it is the app's own (a test's fake one), so it ages as everything else does. The system clock's
    // dates are the file system's already.
    private void DateByTheClock(string rolled)
    {
        if (ReferenceEquals(_time, TimeProvider.System))
        {
            return;
        }

        try
        {
            File.SetLastWriteTimeUtc(rolled, _time.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneEventSource.Log.LogOutputFailed(OutputName, "retention_failed", 0, ex);
        }
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
