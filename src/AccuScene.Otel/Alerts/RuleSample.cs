using AccuScene.Otel.Metrics;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>What one rule gathered in one export, and what it keeps between exports.</summary>
internal sealed class RuleSample(AlertRule rule)
{
    // Reservoirs hold one exemplar per bucket, or one per processor for counters: this is plenty.
    private const int MaxExemplars = 256;

    public AlertRule Rule => rule;

    public int Export { get; private set; } = -1;

    public MetricType Type { get; set; }

    /// <summary>Gets the meters this export's points of the rule's metric came from (reused).</summary>
    public List<string> Meters { get; } = [];

    public int Points { get; set; }

    public double Total { get; set; }

    public double Sum { get; set; }

    public long Count { get; set; }

    public double PreviousTotal { get; set; } = double.NaN;

    /// <summary>Gets or sets this export's matching points left out for a NaN or infinite value.</summary>
    public int NonFinite { get; set; }

    public int PreviousNonFinite { get; set; }

    /// <summary>Gets or sets a counter's total grown only by increases that could be measured: what a Rate rule reads, so a series that restarts or turns NaN is no spike.</summary>
    public double Continuous { get; set; }

    public double PreviousSum { get; set; }

    /// <summary>Gets or sets the count at the previous export: 0 at first for a rule of the provider's start, -1 for a rule added later, whose first export only sets the baseline.</summary>
    public long PreviousCount { get; set; }

    public SummedBuckets Buckets { get; } = new();

    /// <summary>Gets the exemplars of this export's matching points made after the newest one offered before (reused, never shrunk).</summary>
    public List<ExemplarCandidate> Exemplars { get; } = [];

    /// <summary>Gets the newest exemplar offered so far: a cumulative reservoir keeps its exemplars, and only newer ones are new evidence.</summary>
    public DateTimeOffset ExemplarsSince { get; private set; }

    private DateTimeOffset NewestOffered { get; set; }

    public void Begin(int export)
    {
        this.Export = export;
        (this.Points, this.Total, this.Sum, this.Count, this.NonFinite) = (0, 0, 0, 0, 0);
        this.Meters.Clear();
        this.Buckets.Clear();
        this.Exemplars.Clear();
        this.ExemplarsSince = this.NewestOffered;
    }

    public void OfferExemplars(in MetricPoint point)
    {
        if (!point.TryGetExemplars(out var exemplars))
        {
            return;
        }

        foreach (ref readonly var exemplar in exemplars)
        {
            if (exemplar.TraceId == default || exemplar.Timestamp <= this.ExemplarsSince)
            {
                continue;
            }

            // Seen, kept or not: a candidate past the cap is a choice not taken, not data lost.
            this.NewestOffered = exemplar.Timestamp > this.NewestOffered ? exemplar.Timestamp : this.NewestOffered;
            if (this.Exemplars.Count < MaxExemplars)
            {
                // Long instruments (and a Histogram<long>) hold the exemplar's value as a long.
                var value = exemplar.DoubleValue != 0 ? exemplar.DoubleValue : exemplar.LongValue;
                this.Exemplars.Add(new ExemplarCandidate(exemplar.TraceId, exemplar.SpanId, value, exemplar.Timestamp));
            }
        }
    }
}
