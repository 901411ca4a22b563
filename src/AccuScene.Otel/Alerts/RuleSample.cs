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

    private PointTotals _now;
    private SeriesContinuity _series;

    /// <summary>Gets or sets the rule: an edit that measures the same way (<see cref="RuleMeasurement.Same"/>) keeps the sample.</summary>
    public AlertRule Rule { get; set; } = rule;

    public int Export { get; private set; } = -1;

    public MetricType Type { get; set; }

    /// <summary>Gets the meters this export's points of the rule's metric came from (reused).</summary>
    public List<string> Meters { get; } = [];

    /// <summary>Gets this export's matching points with a finite value.</summary>
    public int Points => _now.Series;

    /// <summary>Gets the sum of this export's matching sums' or gauges' values.</summary>
    public double Total => _now.Total;

    /// <summary>Gets the sum of this export's matching histograms' sums.</summary>
    public double Sum => _now.Sum;

    /// <summary>Gets the sum of this export's matching histograms' counts.</summary>
    public long Count => _now.Count;

    /// <summary>Gets this export's matching points left out for a NaN or infinite value.</summary>
    public int NonFinite => _now.NonFinite;

    public double PreviousTotal { get; set; } = double.NaN;

    /// <summary>Gets the last export that finished this sample (-1 before the first).</summary>
    public int Finished { get; private set; } = -1;

    /// <summary>
    /// Makes the sample follow <paramref name="export"/>, which lacked the metric while the rule ran: a counter's
    /// first points then count from zero, as a histogram's do (<see cref="PreviousCount"/> 0).
    /// </summary>
    public void FollowsAnExportWithout(int export)
    {
        this.PreviousTotal = 0;
        this.Finished = export;
        this.FollowedAnExportWithout = true;
    }

    /// <summary>Gets a value indicating whether the sample began after an export that lacked the metric while the rule ran (<see cref="FollowsAnExportWithout"/>).</summary>
    public bool FollowedAnExportWithout { get; private set; }

    /// <summary>Adds one metric's matching points (the rule's metric name may come from several meters).</summary>
    public void Add(in PointTotals totals) => _now.Merge(totals);

    /// <summary>
    /// Ends this export: returns whether its totals compare with the previous ones, which is when the metric was in the
    /// export just before, over the same series (<see cref="SeriesContinuity"/>). A series an observable callback
    /// skipped and reports again, or a metric back after a gap, would otherwise bring its whole total (or several
    /// intervals' increase) as one export's events. An export whose sample is never completed (its accumulation
    /// failed) makes the next one a baseline.
    /// </summary>
    public bool Complete()
    {
        var sameSeries = _series.Follow(_now);
        var consecutive = this.Finished == this.Export - 1;
        this.Finished = this.Export;
        return consecutive && sameSeries;
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
        _now = default;
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
