using System.Diagnostics.Metrics;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Instrumentation;

namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// In-process percentiles of every histogram on an <c>AccuScene</c> / <c>AccuScene.*</c> meter: a
/// <see cref="MeterListener"/> feeds each measurement into a <see cref="RelativeErrorSketch"/> per series
/// (instrument and tag set), with at most <see cref="MaxSeriesPerInstrument"/> series per instrument;
/// the rest, and tag sets longer than 1,024 characters of keys and values (each tag counting 32 more), fold into
/// one series tagged <c>otel.metric.overflow=true</c>, as OpenTelemetry does. One series holds at most about
/// 6.5 KiB (a 4 KiB sketch and its tags), so one instrument holds at most about 13 MiB. It only
/// listens: the OpenTelemetry pipeline and Prometheus still get their explicit buckets.
/// </summary>
public sealed class AccuScenePercentiles : IDisposable
{
    /// <summary>The most series kept per instrument, as OpenTelemetry's default cardinality limit.</summary>
    public const int MaxSeriesPerInstrument = 2000;

    private static readonly double[] Quantiles = [0.5, 0.9, 0.95, 0.99];

    private readonly MeterListener _listener;
    private readonly List<InstrumentSeries> _instruments = [];
    private readonly Lock _gate = new();
    private readonly double _relativeAccuracy;

    /// <summary>Starts listening to the AccuScene meters' histograms.</summary>
    /// <param name="relativeAccuracy">The relative error bound of every percentile, 0.0001 to 0.1. Default 1%.</param>
    public AccuScenePercentiles(double relativeAccuracy = 0.01)
    {
        if (!(relativeAccuracy >= 0.0001 && relativeAccuracy <= 0.1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "The relative accuracy must be between 0.0001 and 0.1.");
        }

        _relativeAccuracy = relativeAccuracy;
        _listener = new MeterListener { InstrumentPublished = this.OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.Start();
    }

    // Runs inside the app's Histogram.Record: a tag value whose ToString() throws (or any other fault) costs
    // the sketch that one measurement, counted, and never reaches the caller.
    private static void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        try
        {
            ((InstrumentSeries)state!).Record(value, tags);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed(nameof(AccuScenePercentiles), "record", ex);
        }
    }

    /// <summary>Gets how many measurements went into overflow series because an instrument had too many tag sets.</summary>
    public long OverflowMeasurements
    {
        get
        {
            lock (_gate)
            {
                return _instruments.Sum(i => i.Overflowed);
            }
        }
    }

    /// <summary>Returns count, min, max, mean and p50/p90/p95/p99 of every series seen so far.</summary>
    /// <returns>One entry per series, ordered by instrument name.</returns>
    public IReadOnlyList<HistogramPercentiles> Snapshot()
    {
        InstrumentSeries[] instruments;
        lock (_gate)
        {
            instruments = [.. _instruments];
        }

        var result = new List<HistogramPercentiles>();
        foreach (var instrument in instruments.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            foreach (var (tags, sketch) in instrument.Series())
            {
                var summary = sketch.Summarize(Quantiles);
                result.Add(new HistogramPercentiles(
                    instrument.Name,
                    instrument.Unit,
                    tags,
                    summary.Count,
                    summary.Min,
                    summary.Max,
                    summary.Mean,
                    summary.Quantiles[0],
                    summary.Quantiles[1],
                    summary.Quantiles[2],
                    summary.Quantiles[3]));
            }
        }

        return result;
    }

    /// <summary>Returns the series of <paramref name="instrument"/> whose tags include all of <paramref name="tags"/>, merged.</summary>
    /// <param name="instrument">The instrument name.</param>
    /// <param name="tags">Tags to match (an empty list matches every series).</param>
    /// <returns>The merged percentiles, or <see langword="null"/> when no series matches.</returns>
    public HistogramPercentiles? Find(string instrument, params KeyValuePair<string, string?>[] tags)
    {
        if (this.Merge(instrument, tags) is not ({ } merged, var unit))
        {
            return null;
        }

        var summary = merged.Summarize(Quantiles);
        return new HistogramPercentiles(instrument, unit, tags, summary.Count, summary.Min, summary.Max, summary.Mean,
            summary.Quantiles[0], summary.Quantiles[1], summary.Quantiles[2], summary.Quantiles[3]);
    }

    /// <summary>Returns quantile <paramref name="quantile"/> of the merged series of <paramref name="instrument"/> whose tags include <paramref name="tags"/>.</summary>
    /// <param name="instrument">The instrument name.</param>
    /// <param name="quantile">The quantile, 0 to 1.</param>
    /// <param name="tags">Tags to match (an empty list matches every series).</param>
    /// <returns>The value within the sketch's relative error, or <see langword="null"/> when no series matches.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is not between 0 and 1 (NaN included).</exception>
    public double? Quantile(string instrument, double quantile, params KeyValuePair<string, string?>[] tags)
    {
        if (quantile is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must be between 0 and 1.");
        }

        return this.Merge(instrument, tags) is ({ Count: > 0 } merged, _) ? merged.Quantile(quantile) : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    /// <summary>A copy of the merged series of <paramref name="instrument"/> matching <paramref name="tags"/>, to difference over a window.</summary>
    internal (Snapshot Snapshot, double Gamma)? Capture(string instrument, KeyValuePair<string, string?>[] tags) =>
        this.Merge(instrument, tags) is ({ } merged, _) ? (merged.Capture(), merged.Gamma) : null;

    private (RelativeErrorSketch? Sketch, string? Unit) Merge(string instrument, KeyValuePair<string, string?>[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        InstrumentSeries? found;
        lock (_gate)
        {
            found = _instruments.Find(i => i.Name == instrument);
        }

        if (found is null)
        {
            return (null, null);
        }

        var merged = new RelativeErrorSketch(_relativeAccuracy);
        var matched = false;
        foreach (var (seriesTags, sketch) in found.Series())
        {
            if (tags.All(t => seriesTags.Contains(t)))
            {
                merged.Merge(sketch);
                matched = true;
            }
        }

        return (matched ? merged : null, found.Unit);
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!AccuSceneTelemetry.IsAccuSceneName(instrument.Meter.Name)
            || instrument is not (Histogram<double> or Histogram<float> or Histogram<long> or Histogram<int>))
        {
            return;
        }

        var series = new InstrumentSeries(instrument.Name, instrument.Unit, _relativeAccuracy, MaxSeriesPerInstrument);
        lock (_gate)
        {
            _instruments.Add(series);
        }

        listener.EnableMeasurementEvents(instrument, series);
    }
}
