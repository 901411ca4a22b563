namespace AccuScene.Otel.Logging;

/// <summary>The active file deleted, moved away or truncated by someone else while this sink has it open.</summary>
internal sealed partial class RollingFileSink
{
    /// <summary>
    /// Runs before buffered lines are handed over. When the active path no longer holds the file (a log cleaner
    /// deleted it or its directory, or moved it away) or holds less than was written to it (truncated in place,
    /// as logrotate's <c>copytruncate</c> does), the open handle would take the lines into an unlinked file, or
    /// after a hole of NUL bytes. The file is opened again at the path instead, and the lines go there. Only for
    /// files this sink opened itself.
    /// </summary>
    /// <returns><see langword="false"/> when the file could not be opened again: the buffered lines are dropped and counted.</returns>
    private bool ReopenIfReplaced()
    {
        // A pipe or a device (not seekable) has no length to compare with.
        if (_stream is not FileStream { CanSeek: true })
        {
            return true;
        }

        try
        {
            // A path that is a link (app.log -> /dev/stdout) describes the link, not the file: not checked. The lock
            // file deleted under the sink (an age-based cleaner, the directory removed) would let another process
            // lock a new one: the file is opened, and locked, again.
            var info = new FileInfo(_names.ActivePath);
            if (info.Exists && (info.LinkTarget is not null || info.Length >= _length - _buffered) && !this.ProcessLockGone())
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true; // cannot tell: the write goes on, and reports its own failure
        }

        var lines = _buffer.AsSpan(0, _buffered).ToArray();
        var count = _bufferedLines;
        (_buffered, _bufferedLines) = (0, 0);
        this.Close();
        this.ReleaseProcessLock();
        Diagnostics.AccuSceneEventSource.Log.LogOutputFailed(OutputName, "file_replaced", "the active file, or its lock file, was deleted, moved away or truncated while open; opened again at its path");
        if (!this.TryOpen())
        {
            this.Drop(count, _lockedOut ? "path_in_use" : "open_failed", _lastError);
            return false;
        }

        try
        {
            // A torn last line's line feed, which TryOpen may have buffered, goes before the lines.
            if (_buffered + lines.Length > BufferSize)
            {
                _stream!.Write(_buffer, 0, _buffered);
                _buffered = 0;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _bufferedLines = count;
            this.Fail(ex, 0);
            return false;
        }

        lines.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += lines.Length;
        _bufferedLines = count;
        _length += lines.Length;
        return true;
    }

    // A line larger than the buffer goes straight to the file (the buffer is empty by then), checked first as a
    // flush checks buffered lines. Counts its own failure.
    private bool WriteUnbuffered(ReadOnlySpan<byte> line)
    {
        if (!this.ReopenIfReplaced())
        {
            this.Drop(1, _lockedOut ? "path_in_use" : "open_failed", _lastError);
            return false;
        }

        // Reopening a file whose last line was torn buffers the line feed that ends it: it goes first.
        if (_buffered > 0 && !this.TryFlushBuffer())
        {
            this.Drop(1, "write_failed", null);
            return false;
        }

        try
        {
            _stream!.Write(line);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            this.Fail(ex, 1);
            return false;
        }
    }
}
