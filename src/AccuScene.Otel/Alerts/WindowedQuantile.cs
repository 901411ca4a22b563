using AccuScene.Otel.Metrics.Percentiles;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// A percentile over a rule's window from cumulative data: the current state minus the state one window ago. At its
/// very first read a rule of the provider's start (<c>fromStart</c>) takes the whole state, which began with the
/// provider; otherwise, with no earlier state of the same source and bucket layout (a rule added at run time, a
/// source that changed, a bucket whose count fell as a series went), there is no value until the next export, as the
/// whole state would be the process's lifetime.
/// Reads the in-process sketch (1% relative error) when the instrument has one, and otherwise the OpenTelemetry
/// histogram's buckets, interpolated linearly inside the bucket as Prometheus' <c>histogram_quantile</c> does.
/// Keeps at most about 64 states per window (one per export, when exports are further apart than 1/64 of it).
/// </summary>
internal sealed class WindowedQuantile(TimeSpan window, bool fromStart)
{
    private readonly Queue<(DateTimeOffset At, Snapshot? Sketch, double[]? Buckets)> _states = new();
    private DateTimeOffset _lastAt;
    private bool _read;
    private double[]? _newest;

    public double? FromSketch(DateTimeOffset now, Snapshot current, double quantile)
    {
        // States of the other source, or of the sketch over other instruments (a meter disposed and created again
        // under its name), cannot be subtracted: the window starts again from this one.
        if (_states.Count > 0 && (_states.Peek().Sketch is not { } oldest || !current.SameSources(oldest)))
        {
            _states.Clear();
        }

        var first = this.First();
        var baseline = this.Baseline(now, (now, current, null)).Sketch;
        if (baseline is null && !first)
        {
            return null;
        }

        var windowed = baseline is { } earlier ? current.Minus(earlier) : current;
        return windowed.Count > 0 ? windowed.Quantile(quantile) : null;
    }

    /// <param name="now">The export time.</param>
    /// <param name="bounds">The explicit upper bounds; the last bucket (+Inf) has none.</param>
    /// <param name="cumulative">Cumulative counts per bucket since start, one more than <paramref name="bounds"/>.</param>
    /// <param name="quantile">The quantile.</param>
    public double? FromBuckets(DateTimeOffset now, double[] bounds, double[] cumulative, double quantile)
    {
        // The sketch's states, or another bucket layout, cannot be subtracted: the window starts again from this one. So
        // does a bucket whose cumulative count fell since the newest state: a series went (its meter was disposed), and
        // the difference would keep the others' buckets only, a window of fast requests read as one of slow ones.
        if (_states.Count > 0 && (_states.Peek().Buckets?.Length != cumulative.Length || Fell(_newest, cumulative)))
        {
            _states.Clear();
        }

        _newest = cumulative;

        var first = this.First();
        var baseline = this.Baseline(now, (now, null, cumulative)).Buckets;
        if (baseline is null && !first)
        {
            return null;
        }

        var counts = new double[cumulative.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Math.Max(cumulative[i] - (baseline?[i] ?? 0), 0);
        }

        return BucketQuantile.Interpolate(bounds, counts, quantile);
    }

    private static bool Fell(double[]? before, double[] now)
    {
        if (before?.Length != now.Length)
        {
            return false;
        }

        for (var i = 0; i < now.Length; i++)
        {
            if (now[i] < before[i])
            {
                return true;
            }
        }

        return false;
    }

    // Whether this is the rule's very first read and it may take the whole state: only a rule of the provider's
    // start, whose state began with the provider. Any later read without an earlier state (a rule added at run time,
    // or after the source changed) would read far more than its window, so it has no value until the next export.
    private bool First()
    {
        var first = fromStart && !_read;
        _read = true;
        return first;
    }

    // The newest state at least a window old (or the oldest there is); the current state is queued.
    private (DateTimeOffset At, Snapshot? Sketch, double[]? Buckets) Baseline(DateTimeOffset now, (DateTimeOffset, Snapshot?, double[]?) current)
    {
        while (_states.Count > 1 && _states.ElementAt(1).At <= now - window)
        {
            _states.Dequeue();
        }

        var baseline = _states.Count > 0 ? _states.Peek() : default;

        // At most about 64 states per window, however often the pipeline exports.
        if (_states.Count == 0 || now - _lastAt >= window / 64)
        {
            _states.Enqueue(current);
            _lastAt = now;
        }

        return baseline;
    }
}
