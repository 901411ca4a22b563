using AccuScene.Otel.Metrics.Percentiles;

namespace AccuScene.Otel.Profiling;

/// <summary>
/// Running statistics of one scope name: exact count, total, min, max, mean and standard deviation (Welford),
/// allocated bytes, and median/p95/p99 from a 1% relative-error sketch. Thread-safe.
/// </summary>
internal sealed class ScopeStatistics
{
    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];

    private readonly Lock _gate = new();
    private readonly RelativeErrorSketch _sketch = new();
    private long _count;
    private double _mean;
    private double _m2;
    private double _total;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private long _allocated;

    public void Record(double milliseconds, long allocatedBytes)
    {
        // Under the lock with the rest, so a report never shows a p99 beyond its max or count.
        lock (_gate)
        {
            _sketch.Add(milliseconds);
            _count++;
            var delta = milliseconds - _mean;
            _mean += delta / _count;
            _m2 += delta * (milliseconds - _mean);
            _total += milliseconds;
            _min = Math.Min(_min, milliseconds);
            _max = Math.Max(_max, milliseconds);
            _allocated += Math.Max(allocatedBytes, 0);
        }
    }

    public ProfilingScopeSummary Summarize(string name)
    {
        lock (_gate)
        {
            // A report taken between a scope's creation and its first value sees an empty sketch: 0, never NaN.
            var quantiles = _sketch.Summarize(Quantiles).Quantiles.Select(q => double.IsNaN(q) ? 0 : q).ToArray();
            return new ProfilingScopeSummary(
                name,
                _count,
                _mean,
                quantiles[0],
                quantiles[1],
                quantiles[2],
                _count == 0 ? 0 : _min,
                _count == 0 ? 0 : _max,
                _count < 2 ? 0 : Math.Sqrt(_m2 / (_count - 1)),
                _total,
                _allocated);
        }
    }
}
