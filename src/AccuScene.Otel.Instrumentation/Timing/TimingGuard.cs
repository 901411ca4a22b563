using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Instrumentation.Timing;

/// <summary>
/// Times a block: <c>using var guard = new TimingGuard(histogram, "collision-detection", threshold, logger);</c>.
/// On dispose it records the duration in seconds to the histogram (with the operation as the
/// <c>accuscene.operation</c> tag) and, above the threshold, logs a warning. A struct: it allocates nothing
/// unless it logs.
/// </summary>
public struct TimingGuard : IDisposable
{
    private static readonly Action<ILogger, string, double, double, Exception?> SlowOperation =
        LoggerMessage.Define<string, double, double>(LogLevel.Warning, new EventId(300, "SlowOperation"), "{Operation} took {ElapsedMs:F3} ms, above its {ThresholdMs:F3} ms threshold");

    private readonly Histogram<double>? _histogram;
    private readonly string _operation;
    private readonly TimeSpan _threshold;
    private readonly ILogger? _logger;
    private ValueTimer _timer;
    private TimeSpan _recorded;

    /// <summary>Starts timing <paramref name="operation"/>.</summary>
    /// <param name="histogram">Where the duration goes, in seconds; <see langword="null"/> records nothing.</param>
    /// <param name="operation">The operation's name, also the <c>accuscene.operation</c> tag.</param>
    /// <param name="threshold">Above this a warning is logged; <see cref="TimeSpan.Zero"/> or less never warns.</param>
    /// <param name="logger">Where the warning goes; <see langword="null"/> logs nothing.</param>
    public TimingGuard(Histogram<double>? histogram, string operation, TimeSpan threshold = default, ILogger? logger = null)
    {
        _histogram = histogram;
        _operation = operation;
        _threshold = threshold;
        _logger = logger;
        _timer = ValueTimer.Start();
    }

    /// <summary>Gets the time since the guard was created; after <see cref="Dispose"/>, the duration it recorded.</summary>
    public readonly TimeSpan Elapsed => _timer.IsStarted ? _timer.Elapsed : _recorded;

    /// <summary>Records the duration and warns when it is above the threshold. Only the first call counts.</summary>
    public void Dispose()
    {
        if (!_timer.IsStarted)
        {
            return;
        }

        var seconds = _timer.ElapsedSeconds; // recorded at the stopwatch's resolution, not cut to whole 100 ns
        var elapsed = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        _timer = default;
        _recorded = elapsed;
        _histogram?.Record(seconds, new KeyValuePair<string, object?>("accuscene.operation", _operation));
        if (_logger is not null && _threshold > TimeSpan.Zero && elapsed > _threshold)
        {
            SlowOperation(_logger, _operation, elapsed.TotalMilliseconds, _threshold.TotalMilliseconds, null);
        }
    }
}
