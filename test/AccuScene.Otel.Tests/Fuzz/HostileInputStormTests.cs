using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Instrumentation.Tracing;
using AccuScene.Otel.Metrics.Percentiles;
using AccuScene.Otel.Profiling;
using AccuScene.Otel.Propagation;
using AccuScene.Otel.Tests.Propagation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Tests.Fuzz;

/// <summary>
/// #18, build point 1, second part: the recording paths driven from 8 threads with 100,000 distinct values
/// each. Every store must stay under the bound it documents, measured as managed memory after a full
/// collection, every drop must be on a counter, and nothing may throw.
/// </summary>
[NonParallelizable]
public class HostileInputStormTests
{
    private const int Threads = 8;
    private const int Distinct = 100_000;
    private const long KiB = 1024;

    [Test]
    [CancelAfter(120_000)]
    public void ProfilerStorm_100000ScopeNames_StaysUnderItsBound(CancellationToken cancellationToken)
    {
        using var profiler = new AccuSceneProfiler();
        using var overflowed = new CounterSum(AccuSceneSelfDiagnostics.ProfilingScopesOverflowed);
        var options = new AccuSceneProfilingOptions();

        var (before, after, escaped) = Storm(i =>
        {
            using var scope = profiler.Scope($"scope-{i}-" + new string('n', i % 200));
        }, cancellationToken);

        // The documented bound: MaxScopes names plus the overflow scope, at most 5 KiB each (a 4 KiB sketch,
        // the statistics, a name of at most 128 characters); the profiler's histogram sees the same names.
        var bound = 2 * (options.MaxScopes + 1) * 5 * KiB;
        var scopes = profiler.CurrentSession.Summarize().Scopes;
        Report("profiler", before, after, bound, escaped);
        Assert.Multiple(() =>
        {
            Assert.That(escaped, Is.Zero);
            Assert.That(after - before, Is.LessThan(bound));
            Assert.That(scopes.Count, Is.InRange(options.MaxScopes + 1, options.MaxScopes + 1 + Threads));
            Assert.That(scopes.Sum(s => s.Count), Is.EqualTo(Distinct), "every scope is in the report, its own or the overflow");
            Assert.That(overflowed.Sum, Is.EqualTo(scopes.Single(s => s.Name == AccuSceneProfiler.OverflowScope).Count));
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task EventStorm_1MBMessages_StayUnderTheStoresByteBound(CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddOpenTelemetry());
        services.AddAccuScene(o => o.Events.MinimumLevel = LogLevel.Information);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Storm");

        var (before, after, escaped) = Storm(i =>
            logger.RecordEvent(AccuSceneEventCategory.Custom, AccuSceneEventSeverity.Info, $"storm.{i}", HostileValues.Megabyte, new("distinct", $"v{i}"), new("big", HostileValues.Megabyte)), cancellationToken);

        // The documented bound is MaxBytes, an estimate that errs high; the ring arrays exist before the storm.
        Report("events", before, after, store.MaxBytes, escaped);
        Assert.Multiple(() =>
        {
            Assert.That(escaped, Is.Zero);
            Assert.That(store.Bytes, Is.LessThanOrEqualTo(store.MaxBytes));
            Assert.That(after - before, Is.LessThan(store.MaxBytes));
            Assert.That(store.Count + store.Dropped, Is.EqualTo(Distinct), "every event is kept or counted as dropped");
            Assert.That(store.Truncated, Is.EqualTo(Distinct), "every 1 MB message was cut, and counted");
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public void PercentileStorm_100000TagValues_StaysUnderItsBound(CancellationToken cancellationToken)
    {
        using var percentiles = new AccuScenePercentiles();
        using var meter = new Meter("AccuScene.Storm");
        var histogram = meter.CreateHistogram<double>("storm.duration", "s");
        var longValues = Enumerable.Range(0, 16).Select(i => i + HostileValues.Megabyte).ToArray();

        var (before, after, escaped) = Storm(i =>
        {
            histogram.Record(i % 1000 == 0 ? double.NaN : i, new KeyValuePair<string, object?>("distinct", $"v{i}"));
            if (i % 10_000 == 0)
            {
                histogram.Record(1, new KeyValuePair<string, object?>("long", longValues[i / 10_000 % longValues.Length]));
            }
        }, cancellationToken);

        // The documented bound: MaxSeriesPerInstrument series and the overflow series, at most 6.5 KiB each.
        var bound = (AccuScenePercentiles.MaxSeriesPerInstrument + 1) * 13 * KiB / 2;
        var series = percentiles.Snapshot().Where(s => s.Instrument == "storm.duration").ToList();
        Report("percentiles", before, after, bound, escaped);
        Assert.Multiple(() =>
        {
            Assert.That(escaped, Is.Zero);
            Assert.That(after - before, Is.LessThan(bound));
            Assert.That(series, Has.Count.EqualTo(AccuScenePercentiles.MaxSeriesPerInstrument + 1));
            Assert.That(series.Sum(s => s.Count) + (Distinct / 1000), Is.EqualTo(Distinct + (Distinct / 10_000)), "every finite value is in a series; the NaN ones are refused");
            Assert.That(percentiles.OverflowMeasurements, Is.EqualTo(Distinct - (Distinct / 1000) - AccuScenePercentiles.MaxSeriesPerInstrument + (Distinct / 10_000)), "the finite values past the series bound are counted as overflow");
            Assert.That(percentiles.NonFiniteMeasurements, Is.EqualTo(Distinct / 1000), "the NaN ones are counted apart, and take no series");
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public void RecordingPathStorm_HostileValuesFrom8Threads_NothingEscapes_AndDropsAreCounted(CancellationToken cancellationToken)
    {
        using var api = new ApiMetrics();
        using var cache = new CacheMetrics();
        using var simulation = new SimulationMetrics();
        using var rejected = new CounterSum(api.Meter.Name, "accuscene.metrics.rejected");
        using var propagationRejected = new CounterSum(AccuSceneSelfDiagnostics.PropagationRejected);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "storm", Metric = "storm.value", Threshold = 10, Cooldown = TimeSpan.Zero }]);
        var propagator = AccuScenePropagation.CreateTextMapPropagator(PropagatedHeaders.Default);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("AccuScene", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        double[] hostile = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, double.MaxValue];

        var (_, _, escaped) = Storm(i =>
        {
            var value = i % 10 == 0 ? hostile[i / 10 % hostile.Length] : i % 97;
            api.RequestCompleted("GET\r\n", $"/route/{i}", 200 + (i % 400), value);
            cache.Hit($"cache-{i}");
            simulation.RecordStep(value, value);
            using (var span = AccuSceneSpans.StartDatabaseQuery("postgresql", $"op-{i}", "scenes\r\n", HostileValues.Megabyte))
            {
                span.RecordFailure(new HostileException());
            }

            engine.Check("storm.value", value, new Dictionary<string, string> { ["distinct"] = $"v{i}" });
            var carrier = new HeaderCarrier
            {
                ["traceparent"] = $"00-{i:x32}-{i:x16}-01\r\n",
                ["x-accuscene-scene-id"] = i % 2 == 0 ? $"scene-{i}\r\nX-Injected: 1" : HostileValues.Megabyte,
                ["baggage"] = $"accuscene.session.id=s{i}%0D%0A,{new string('k', i % 5000)}=v",
            };
            propagator.Extract(default, carrier, static (c, k) => c.TryGetValue(k, out var v) ? [v] : null);
        }, cancellationToken);

        var expectedRejected = Distinct / 10 * 4 / 5;
        Report("recording paths", 0, 0, 0, escaped);
        Assert.Multiple(() =>
        {
            Assert.That(escaped, Is.Zero);
            Assert.That(rejected.Sum, Is.GreaterThanOrEqualTo(expectedRejected), "NaN, ±∞ and negative durations are refused and counted");
            Assert.That(propagationRejected.Sum, Is.GreaterThanOrEqualTo(Distinct), "every hostile scene id is refused and counted");
            Assert.That(engine.Active().Count + engine.History().Count, Is.LessThanOrEqualTo(500 + 1), "alert history is bounded");
        });
    }

    private static (long Before, long After, int Escaped) Storm(Action<int> call, CancellationToken cancellationToken)
    {
        call(0); // The first value warms every path, so the storm measures what is kept, not what is set up.
        var before = FullCollection();
        var escaped = 0;
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (var i = 1 + t; i < Distinct && !cancellationToken.IsCancellationRequested; i += Threads)
            {
                try
                {
                    call(i);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref escaped);
                    TestContext.Out.WriteLine($"escaped: {ex.GetType().Name}: {ex.Message}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        cancellationToken.ThrowIfCancellationRequested();
        return (before, FullCollection(), escaped);
    }

    private static long FullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static void Report(string store, long before, long after, long bound, int escaped) =>
        TestContext.Out.WriteLine(bound == 0
            ? $"R1 storm {store}: {Distinct:N0} calls from {Threads} threads; {escaped} exceptions escaped."
            : $"R1 storm {store}: {Distinct:N0} distinct values from {Threads} threads; managed memory {before / KiB:N0} KiB before, {after / KiB:N0} KiB after a full collection (+{(after - before) / KiB:N0} KiB; bound {bound / KiB:N0} KiB); {escaped} exceptions escaped.");

    /// <summary>Sums a counter without keeping each measurement (MetricCollector keeps them all, which a memory bound would count).</summary>
    private sealed class CounterSum : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _sum;

        public CounterSum(Counter<long> counter)
            : this(counter.Meter.Name, counter.Name)
        {
        }

        public CounterSum(string meter, string instrument)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == meter && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _sum, value));
            _listener.Start();
        }

        public long Sum => Interlocked.Read(ref _sum);

        public void Dispose() => _listener.Dispose();
    }
}
