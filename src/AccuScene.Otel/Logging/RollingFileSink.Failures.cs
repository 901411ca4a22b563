using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Logging;

/// <summary>What a failed write costs: the lines it loses are counted, the file is closed and opened again later.</summary>
internal sealed partial class RollingFileSink
{
    /// <summary>A write failed: the buffered lines (and <paramref name="extra"/> more) are lost; close and retry later.</summary>
    private void Fail(Exception error, int extra)
    {
        // A write cut short (a full disk) leaves some of its bytes in the file: they are taken back, so the file holds
        // whole lines only and no line counted as lost is in it. If that fails too, the next open ends the torn line.
        try
        {
            if (_stream is { CanSeek: true } stream && stream.Length > _length - _buffered)
            {
                stream.SetLength(_length - _buffered);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneEventSource.Log.LogOutputFailed(OutputName, "truncate_failed", 0, ex);
        }

        var lost = _bufferedLines + extra;
        _buffered = 0;
        _bufferedLines = 0;
        _lastError = error;
        this.Close();
        _failedAt = _time.GetTimestamp();
        if (lost > 0)
        {
            this.Drop(lost, "write_failed", error);
        }
    }

    private bool RetryDue(long? failedAt) => failedAt is not { } at || _time.GetElapsedTime(at) >= RetryDelay;

    private void Close()
    {
        var stream = _stream;
        _stream = null;
        CloseQuietly(stream);
    }

    private static void CloseQuietly(Stream? stream)
    {
        try
        {
            stream?.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The handle is gone either way; what it still held was counted when the write failed.
            AccuSceneEventSource.Log.LogOutputFailed(OutputName, "close_failed", 0, ex);
        }
    }

    private void Drop(long lines, string reason, Exception? error)
    {
        Interlocked.Add(ref _dropped, lines);
        AccuSceneSelfDiagnostics.LogsLost(OutputName, reason, lines, error);
    }
}
