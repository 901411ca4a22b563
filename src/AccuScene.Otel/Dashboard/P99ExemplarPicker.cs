using AccuScene.Otel.Metrics;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Dashboard;

/// <summary>
/// Keeps a histogram's latest p99 exemplar for the dashboard: each sample offers the exemplars made since the
/// newest one seen before (a cumulative reservoir keeps old ones), in a fixed array, so nothing is allocated per point.
/// </summary>
internal sealed class P99ExemplarPicker
{
    private readonly ExemplarCandidate[] _candidates = new ExemplarCandidate[16];
    private int _candidateCount;
    private DateTimeOffset _exemplarsSeenUntil;
    private DateTimeOffset _newestOffered;

    /// <summary>Gets the latest exemplar chosen, or <see langword="null"/>.</summary>
    public ExemplarCandidate? Chosen { get; private set; }

    /// <summary>Starts a sample.</summary>
    public void Begin() => _candidateCount = 0;

    public void Offer(in MetricPoint point)
    {
        if (!point.TryGetExemplars(out var exemplars))
        {
            return;
        }

        foreach (ref readonly var exemplar in exemplars)
        {
            if (exemplar.TraceId == default || exemplar.Timestamp <= _exemplarsSeenUntil)
            {
                continue;
            }

            // Every exemplar offered counts as seen, kept or not, so none comes back as new at the next sample.
            _newestOffered = exemplar.Timestamp > _newestOffered ? exemplar.Timestamp : _newestOffered;

            // A Histogram<long>'s exemplar holds its value as a long.
            var value = exemplar.DoubleValue != 0 ? exemplar.DoubleValue : exemplar.LongValue;
            var candidate = new ExemplarCandidate(exemplar.TraceId, exemplar.SpanId, value, exemplar.Timestamp);
            if (_candidateCount < _candidates.Length)
            {
                _candidates[_candidateCount++] = candidate;
            }
            else
            {
                // Full: the largest values are the ones a p99 can use.
                var smallest = 0;
                for (var i = 1; i < _candidates.Length; i++)
                {
                    smallest = _candidates[i].Value < _candidates[smallest].Value ? i : smallest;
                }

                if (candidate.Value > _candidates[smallest].Value)
                {
                    _candidates[smallest] = candidate;
                }
            }
        }
    }

    /// <summary>Chooses the newest new exemplar at or above <paramref name="p99"/>, or in the bucket that holds it; the previous choice stays otherwise.</summary>
    public void Pick(double p99, double[] bounds)
    {
        var count = _candidateCount;
        _candidateCount = 0;
        _exemplarsSeenUntil = _newestOffered;
        if (count == 0 || double.IsNaN(p99))
        {
            return;
        }

        // The lower bound of the bucket that holds the p99: a measurement above it stands behind the p99 too.
        var floor = p99;
        for (var i = bounds.Length - 1; i >= 0; i--)
        {
            if (bounds[i] < p99)
            {
                floor = bounds[i];
                break;
            }
        }

        ExemplarCandidate? chosen = null;
        for (var i = 0; i < count; i++)
        {
            var c = _candidates[i];
            if ((c.Value >= p99 || c.Value > floor) && (chosen is null || c.Timestamp > chosen.Value.Timestamp))
            {
                chosen = c;
            }
        }

        this.Chosen = chosen ?? this.Chosen;
    }
}
