using AccuScene.Otel.Metrics.Percentiles;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// A percentile over a rule's window from cumulative data: the current state minus the state one window ago. A rule of
/// the provider's start (<c>fromStart</c>) reads the whole state until there is an earlier one; a rule added later
/// has no value until then, since its whole state would be the process's lifetime.
/// Reads the in-process sketch (1% relative error) when the instrument has one, and otherwise the OpenTelemetry
/// histogram's buckets, interpolated linearly inside the bucket as Prometheus' <c>histogram_quantile</c> does.
/// Keeps at most about 64 states per window (one per export, when exports are further apart than 1/64 of it).
/// </summary>
internal sealed class WindowedQuantile(TimeSpan window, bool fromStart)
{
    private readonly Queue<(DateTimeOffset At, Snapshot? Sketch, double[]? Buckets)> _states = new();
    private DateTimeOffset _lastAt;

    public double? FromSketch(DateTimeOffset now, Snapshot current, double quantile)
    {
        // With no earlier state of the same kind (the first export, or the source changed), a rule of the provider's
        // start reads the whole state, which began with it; any other would read the process's lifetime: no value yet.
        var baseline = this.Baseline(now, (now, current, null));
        if (baseline.Sketch is null && !(fromStart && baseline.At == default))
        {
            return null;
        }

        var windowed = baseline.Sketch is { } earlier ? current.Minus(earlier) : current;
        return windowed.Count > 0 ? windowed.Quantile(quantile) : null;
    }

    /// <param name="now">The export time.</param>
    /// <param name="bounds">The explicit upper bounds; the last bucket (+Inf) has none.</param>
    /// <param name="cumulative">Cumulative counts per bucket since start, one more than <paramref name="bounds"/>.</param>
    /// <param name="quantile">The quantile.</param>
    public double? FromBuckets(DateTimeOffset now, double[] bounds, double[] cumulative, double quantile)
    {
        var state = this.Baseline(now, (now, null, cumulative));
        if (state.Buckets is not { } baseline)
        {
            if (!(fromStart && state.At == default))
            {
                return null; // as for the sketch
            }

            baseline = new double[cumulative.Length];
        }
        else if (baseline.Length != cumulative.Length)
        {
            return null; // a changed bucket layout cannot be subtracted
        }

        var counts = new double[cumulative.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Math.Max(cumulative[i] - baseline[i], 0);
        }

        return BucketQuantile.Interpolate(bounds, counts, quantile);
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
