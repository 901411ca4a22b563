using AccuScene.Otel.Metrics;
using AccuScene.Otel.Metrics.InProcess;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>What one rule gathered in one export, and what it keeps between exports.</summary>
internal sealed class RuleSample(AlertRule rule)
{
    // Reservoirs hold one exemplar per bucket, or one per processor for counters: this is plenty.
    private const int MaxExemplars = 256;

    /// <summary>Gets or sets the rule: an edit that measures the same way (<see cref="RuleMeasurement.Same"/>) keeps the sample.</summary>
    public AlertRule Rule { get; set; } = rule;

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

    /// <summary>Gets or sets the matching points of the last export the metric was in.</summary>
    public int PreviousPoints { get; set; }

    /// <summary>Gets or sets the most matching points any export had: more than ever is a new series, not one come back.</summary>
    public int MostPoints { get; set; }

    /// <summary>Gets or sets the last export that finished this sample (-1 before the first).</summary>
    public int Finished { get; set; } = -1;

    /// <summary>
    /// Gets a value indicating whether this export's totals compare with the previous ones: the metric was in the
    /// export just before, over the same series (a series never seen before is new, and counts from zero) and the
    /// same NaN ones. A series an observable callback skipped and reports again, or a metric back after a gap, would
    /// otherwise bring its whole total (or several intervals' increase) as one export's events.
    /// </summary>
    public bool Comparable =>
        this.Finished == this.Export - 1 && this.NonFinite == this.PreviousNonFinite
        && ((this.Points == this.PreviousPoints && this.Fingerprint == this.PreviousFingerprint) || this.Points > this.MostPoints);

    /// <summary>Gets or sets which matching series this export summed (<see cref="PointTotals.Fingerprint"/>).</summary>
    public ulong Fingerprint { get; set; }

    public ulong PreviousFingerprint { get; set; }

    /// <summary>Ends this export: what the next one compares with.</summary>
    public void Complete()
    {
        (this.Finished, this.PreviousPoints, this.PreviousNonFinite, this.PreviousFingerprint) = (this.Export, this.Points, this.NonFinite, this.Fingerprint);
        this.MostPoints = Math.Max(this.MostPoints, this.Points);
    }

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
        (this.Points, this.Total, this.Sum, this.Count, this.NonFinite, this.Fingerprint) = (0, 0, 0, 0, 0, 0);
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
