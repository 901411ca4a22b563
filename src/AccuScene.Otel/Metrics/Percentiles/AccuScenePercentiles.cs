using System.Diagnostics.Metrics;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Instrumentation;

namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// In-process percentiles of every histogram on an <c>AccuScene</c> / <c>AccuScene.*</c> meter and of the
/// standard latency histograms (<see cref="DefaultInstruments"/>) on any meter: a <see cref="MeterListener"/>
/// feeds each measurement into a <see cref="RelativeErrorSketch"/> per series (meter, instrument and tag set),
/// with at most 2,000 series per instrument (OpenTelemetry's default cardinality limit); the rest, and tag sets longer than
/// 1,024 characters of keys and values (each tag counting 32 more), fold into one series tagged
/// <c>otel.metric.overflow=true</c>, as OpenTelemetry does; at most 1,000 instruments, the rest left to their
/// buckets and counted. One series holds at most about 6.5 KiB (a 4 KiB sketch and its tags), 10 KiB when it has
/// negative values too; a sign whose busiest bucket passes 2³¹ − 1 values moves to 64-bit counters, twice its
/// memory, rather than stop counting. Queries by name merge the series of every
/// meter with that name. An instrument whose meter is disposed is released. It only listens: the OpenTelemetry
/// pipeline and Prometheus still get their explicit buckets.
/// </summary>
public sealed partial class AccuScenePercentiles : IDisposable
{
    // The most series kept per instrument, as OpenTelemetry's default cardinality limit; a public constant would be
    // compiled into callers and could never change.
    internal const int MaxSeriesPerInstrument = 2000;

    // The most instruments one instance keeps series for, as OpenTelemetry's default limit of metrics per provider:
    // histogram names made from data would otherwise each add up to 13 MiB.
    internal const int MaxInstruments = 1000;

    /// <summary>
    /// The standard histograms covered on any meter besides the AccuScene meters' own:
    /// <c>http.server.request.duration</c>, <c>http.client.request.duration</c> and <c>db.client.operation.duration</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultInstruments = ["http.server.request.duration", "http.client.request.duration", "db.client.operation.duration"];

    private static readonly double[] Quantiles = [0.5, 0.9, 0.95, 0.99];

    private readonly MeterListener _listener;
    private readonly List<InstrumentSeries> _instruments = [];
    private readonly Lock _gate = new();
    private readonly double _relativeAccuracy;
    private readonly SketchMapping _mapping;
    private readonly HashSet<string> _names;
    private readonly object? _scope;
    private long _nonFinite;
    private long _droppedInstruments;
    private volatile bool _disposing;

    /// <summary>Starts listening to the AccuScene meters' histograms and to <see cref="DefaultInstruments"/>.</summary>
    /// <param name="relativeAccuracy">
    /// The relative error bound, 0.0001 to 0.1. Default 1%. It holds for every percentile whose value lies within
    /// the span of its sign's buckets below the largest magnitude of that sign (1,024 for positive values: about 8.8
    /// decades at 1%, 44 at 5%, but only 0.9 at 0.1% and 0.09 at 0.01%; 896 for negative ones, an eighth less). A
    /// finer accuracy than the default suits only data that narrow.
    /// </param>
    public AccuScenePercentiles(double relativeAccuracy = 0.01)
        : this(relativeAccuracy, DefaultInstruments, scope: null, anyScope: true)
    {
    }

    /// <param name="relativeAccuracy">The relative error bound.</param>
    /// <param name="instruments">Instrument names covered on any meter.</param>
    /// <param name="scope">The host's <see cref="IMeterFactory"/>: meters another factory created belong to another host.</param>
    /// <param name="anyScope">Listen to every meter whatever its scope.</param>
    internal AccuScenePercentiles(double relativeAccuracy, IEnumerable<string> instruments, object? scope, bool anyScope)
    {
        if (!(relativeAccuracy >= 0.0001 && relativeAccuracy <= 0.1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "The relative accuracy must be between 0.0001 and 0.1.");
        }

        _relativeAccuracy = relativeAccuracy;
        _mapping = SketchMapping.For(relativeAccuracy);
        _names = new HashSet<string>(instruments, StringComparer.Ordinal);
        _scope = scope;
        this.AnyScope = anyScope;
        _listener = new MeterListener
        {
            InstrumentPublished = this.OnInstrumentPublished,
            MeasurementsCompleted = this.OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => Record(value, tags, state));
        _listener.Start();
    }

    /// <summary>The percentiles of one provider: <paramref name="scope"/>'s meters and unscoped ones, or every meter when it is <see langword="null"/>.</summary>
    internal static AccuScenePercentiles Create(AccuScenePercentilesOptions options, IMeterFactory? scope) =>
        new(0.01, [.. options.StandardInstruments ? DefaultInstruments : [], .. options.Instruments], scope, anyScope: scope is null);

    /// <summary>Gets the relative error bound of every percentile this instance reports.</summary>
    public double RelativeAccuracy => _relativeAccuracy;

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

    /// <summary>
    /// Gets how many NaN or infinite measurements were left out of every sketch. Each listening instance (one per
    /// host or facade) also adds them to <c>accuscene.otel.percentiles.non_finite</c>, so a measurement on a meter
    /// two hosts both hear counts there twice.
    /// </summary>
    public long NonFiniteMeasurements => Interlocked.Read(ref _nonFinite);

    /// <summary>Gets how many covered instruments got no sketch because <see cref="MaxInstruments"/> were already kept.</summary>
    internal long DroppedInstruments => Interlocked.Read(ref _droppedInstruments);

    private bool AnyScope { get; }

    /// <summary>Returns count, min, max, mean and p50/p90/p95/p99 of every series seen so far.</summary>
    /// <returns>One entry per series, ordered by instrument name, then meter name.</returns>
    public IReadOnlyList<HistogramPercentiles> Snapshot()
    {
        var result = new List<HistogramPercentiles>();
        foreach (var instrument in this.Instruments().OrderBy(i => i.Name, StringComparer.Ordinal).ThenBy(i => i.Meter, StringComparer.Ordinal))
        {
            foreach (var (tags, sketch) in instrument.Series())
            {
                var summary = sketch.Summarize(Quantiles);
                result.Add(Percentiles(instrument.Name, instrument.Unit, tags, summary) with { Meter = instrument.Meter });
            }
        }

        return result;
    }

    /// <summary>Returns the series of <paramref name="instrument"/> (on every meter) whose tags include all of <paramref name="tags"/>, merged.</summary>
    /// <param name="instrument">The instrument name.</param>
    /// <param name="tags">Tags to match (an empty list matches every series).</param>
    /// <returns>The merged percentiles, or <see langword="null"/> when no series matches.</returns>
    public HistogramPercentiles? Find(string instrument, params KeyValuePair<string, string?>[] tags) =>
        this.Merge(instrument, tags) is ({ } merged, var unit) ? Percentiles(instrument, unit, tags, merged.Summarize(Quantiles)) : null;

    /// <summary>Returns quantile <paramref name="quantile"/> of the merged series of <paramref name="instrument"/> whose tags include <paramref name="tags"/>.</summary>
    /// <param name="instrument">The instrument name.</param>
    /// <param name="quantile">The quantile, 0 to 1, by the nearest-rank method: the smallest value with at least that share of the values at or below it.</param>
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

    /// <summary>Stops listening. What was recorded stays readable, so a last collection still reads the sketch.</summary>
    public void Dispose()
    {
        _disposing = true;
        _listener.Dispose();
    }

    /// <summary>Whether measurements of <paramref name="instrument"/> on <paramref name="meter"/> go into a sketch.</summary>
    internal bool Covers(string meter, string instrument) => AccuSceneTelemetry.IsAccuSceneName(meter) || _names.Contains(instrument);

    /// <summary>
    /// A copy of the merged series of <paramref name="instrument"/> on exactly <paramref name="meters"/> (the meters an
    /// exporter saw that name from) matching <paramref name="tags"/>, to difference over a window; <see langword="null"/>
    /// when one of those meters has no sketch here (not covered, or another host's), so the caller falls back to buckets
    /// rather than describe another population.
    /// </summary>
    internal Snapshot? Capture(string instrument, KeyValuePair<string, string?>[] tags, IReadOnlyCollection<string> meters)
    {
        var found = this.Instruments().Where(i => i.Name == instrument).ToList();
        foreach (var meter in meters)
        {
            if (!found.Exists(i => i.Meter == meter))
            {
                return null;
            }
        }

        // The copy names the instruments it was merged from: a window may only subtract a copy of the same ones (a
        // meter disposed and created again under its name starts from nothing, so the merged sketch shrinks).
        var sources = new List<long>();
        return this.Merge(instrument, tags, meters, sources) is ({ } merged, _)
            ? merged.Capture() with { Sources = [.. sources.Order()] }
            : null;
    }

    private static HistogramPercentiles Percentiles(string instrument, string? unit, IReadOnlyList<KeyValuePair<string, string?>> tags, SketchSummary summary) =>
        new(instrument, unit, tags, summary.Count, summary.Min, summary.Max, summary.Mean,
            summary.Quantiles[0], summary.Quantiles[1], summary.Quantiles[2], summary.Quantiles[3]);

    private InstrumentSeries[] Instruments()
    {
        lock (_gate)
        {
            return [.. _instruments];
        }
    }

    // sources: when given, receives the identity of every instrument series merged from.
    private (RelativeErrorSketch? Sketch, string? Unit) Merge(string instrument, KeyValuePair<string, string?>[] tags, IReadOnlyCollection<string>? meters = null, List<long>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(tags);
        RelativeErrorSketch? merged = null;
        string? unit = null;
        foreach (var found in this.Instruments())
        {
            if (found.Name != instrument || (meters is not null && !meters.Contains(found.Meter)))
            {
                continue;
            }

            unit ??= found.Unit;
            sources?.Add(found.Id);
            foreach (var (seriesTags, sketch) in found.Series())
            {
                // An empty value also matches a series without the tag, or with no value for it: Prometheus keeps no empty label.
                if (tags.All(t => seriesTags.Contains(t) || (string.IsNullOrEmpty(t.Value) && !seriesTags.Any(s => s.Key == t.Key && !string.IsNullOrEmpty(s.Value)))))
                {
                    (merged ??= new RelativeErrorSketch(_mapping)).Merge(sketch);
                }
            }
        }

        return (merged, unit);
    }
}
