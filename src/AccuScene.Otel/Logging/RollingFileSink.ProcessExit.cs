namespace AccuScene.Otel.Logging;

/// <summary>
/// The buffer is handed to the operating system when the process ends without disposing the sink: an app that calls
/// <c>Environment.Exit</c> after logging its fatal error, or one an unhandled exception is about to end, would
/// otherwise lose up to a flush interval of lines, the last ones first.
/// </summary>
internal sealed partial class RollingFileSink
{
    private EventHandler? _flushOnExit;
    private UnhandledExceptionEventHandler? _flushOnCrash;

    // A line being written to a stalled pipe holds the lock: the process must still end, without the flush.
    private static readonly TimeSpan ExitFlushWait = TimeSpan.FromSeconds(2);

    private void FlushWhenTheProcessEnds()
    {
        _flushOnExit = (_, _) => this.FlushIfFree();
        _flushOnCrash = (_, _) => this.FlushIfFree();
        AppDomain.CurrentDomain.ProcessExit += _flushOnExit;
        AppDomain.CurrentDomain.UnhandledException += _flushOnCrash;
    }

    private void FlushIfFree()
    {
        if (!_gate.TryEnter(ExitFlushWait))
        {
            return;
        }

        try
        {
            this.Flush(); // the lock is re-entered
        }
        finally
        {
            _gate.Exit();
        }
    }

    // The events are static: a disposed sink must not stay reachable from them.
    private void StopFlushingWhenTheProcessEnds()
    {
        AppDomain.CurrentDomain.ProcessExit -= _flushOnExit;
        AppDomain.CurrentDomain.UnhandledException -= _flushOnCrash;
    }
}
