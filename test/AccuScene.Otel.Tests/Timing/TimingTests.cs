using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation.Timing;
using Microsoft.Extensions.Logging.Testing;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Timing;

public class TimingTests
{
    [Test]
    public void TheTimerAndTheGuard_AllocateNothing()
    {
        // Not an AccuScene.* meter: a provider or percentiles listener of a test running alongside would enable it
        // too, and its first series (a sketch, about 5 KB) would be allocated on this thread.
        using var meter = new Meter("Tests.Timing.Isolated");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.timing");
        var recorded = 0;
        using var listener = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter == meter) { l.EnableMeasurementEvents(i); } } };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => recorded++);
        listener.Start();
        Warm(histogram);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Warm(histogram);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(recorded, Is.EqualTo(2000), "the guard recorded every time");
    }

    [Test]
    public void TheGuard_AllocatesNothingThroughTheFullAccuScenePipeline()
    {
        using var meter = new Meter("AccuScene.Tests.TimingPipeline");
        using var percentiles = new AccuScene.Otel.Metrics.Percentiles.AccuScenePercentiles();
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddAccuScene()
            .AddReader(new OpenTelemetry.Metrics.PeriodicExportingMetricReader(new OpenTelemetry.Exporter.InMemoryExporter<OpenTelemetry.Metrics.Metric>([]), 60_000))
            .Build();
        var histogram = meter.CreateHistogram<double>("accuscene.tests.timing.pipeline", "s");
        Warm(histogram);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Warm(histogram);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero, "OpenTelemetry's aggregation and the percentiles sketch, after warm-up");
        Assert.That(percentiles.Find("accuscene.tests.timing.pipeline")!.Count, Is.EqualTo(2000));
    }

    [Test]
    public void TheGuard_WarnsAboveItsThresholdOnly()
    {
        var logger = new FakeLogger();
        using (new TimingGuard(null, "fast", TimeSpan.FromHours(1), logger))
        {
        }

        using (new TimingGuard(null, "slow", TimeSpan.FromTicks(1), logger))
        {
            Thread.SpinWait(10_000);
        }

        Assert.That(logger.Collector.GetSnapshot().Select(r => r.Message), Has.Exactly(1).StartsWith("slow took"));
    }

    [Test]
    public void TheGuardsElapsed_AfterDispose_IsTheDurationItRecorded()
    {
        double? recorded = null;
        using var meter = new System.Diagnostics.Metrics.Meter("AccuScene.Tests.Guard.Elapsed");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.guard.duration", "s");
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i == histogram)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => recorded = value);
        listener.Start();
        var guard = new TimingGuard(histogram, "step");
        Thread.SpinWait(10_000);
        guard.Dispose();

        Assert.That(guard.Elapsed, Is.GreaterThan(TimeSpan.Zero), "it was zero after Dispose");
        Assert.That(guard.Elapsed.TotalSeconds, Is.EqualTo(recorded!.Value).Within(1e-7), "the duration the histogram got, to a TimeSpan's 100 ns");
    }

    [Test]
    public void TheTimerAndTheGuard_KeepTheStopwatchsResolution_NotWhole100Nanoseconds()
    {
        if (System.Diagnostics.Stopwatch.Frequency <= TimeSpan.TicksPerSecond)
        {
            Assert.Ignore("This stopwatch ticks no finer than a TimeSpan (100 ns).");
        }

        var recorded = new List<double>();
        using var meter = new Meter("Tests.Timing.Resolution");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.resolution", "s");
        using var listener = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter == meter) { l.EnableMeasurementEvents(i); } } };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => recorded.Add(value));
        listener.Start();
        var timed = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var timer = ValueTimer.Start();
            using (new TimingGuard(histogram, "tiny"))
            {
                Thread.SpinWait(20);
            }

            timed.Add(timer.ElapsedSeconds);
        }

        // Cut to whole 100 ns, every value would be a multiple of 1e-7 s, and a run shorter than that would be 0.
        static bool Whole100Ns(double seconds) => Math.Abs((seconds * 1e7) - Math.Round(seconds * 1e7)) < 1e-3;
        Assert.Multiple(() =>
        {
            Assert.That(timed, Has.Some.Matches<double>(s => !Whole100Ns(s)), "ValueTimer.ElapsedSeconds");
            Assert.That(recorded, Has.Count.EqualTo(200).And.Some.Matches<double>(s => !Whole100Ns(s)), "TimingGuard's recording");
            Assert.That(recorded, Has.All.GreaterThan(0.0));
        });
    }

    [Test]
    public async Task MeasureAsync_ReturnsTheResultAndTheDuration()
    {
        var (result, elapsed) = await AccuScene.Otel.Instrumentation.Timing.Timing.MeasureAsync(async () =>
        {
            await Task.Yield();
            return 42;
        });

        Assert.That(result, Is.EqualTo(42));
        Assert.That(elapsed, Is.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task MeasureAsync_RecordsAFailureWithItsErrorType_AndRethrows()
    {
        using var meter = new Meter("Tests.Timing.Failure");
        var histogram = meter.CreateHistogram<double>("accuscene.tests.load", "s");
        var recorded = new List<(string? Operation, string? ErrorType)>();
        using var listener = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter == meter) { l.EnableMeasurementEvents(i); } } };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? operation = null, errorType = null;
            foreach (var (key, value) in tags)
            {
                operation = key == "accuscene.operation" ? (string?)value : operation;
                errorType = key == "error.type" ? (string?)value : errorType;
            }

            recorded.Add((operation, errorType));
        });
        listener.Start();

        await Assert.ThrowsAsync<TimeoutException>(() => AccuScene.Otel.Instrumentation.Timing.Timing.MeasureAsync(() => Task.FromException(new TimeoutException()), histogram, "load"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => AccuScene.Otel.Instrumentation.Timing.Timing.MeasureAsync<int>(() => throw new InvalidOperationException(), histogram));
        await AccuScene.Otel.Instrumentation.Timing.Timing.MeasureAsync(() => Task.CompletedTask, histogram, "load");

        Assert.That(recorded, Is.EqualTo(new (string?, string?)[]
        {
            ("load", "System.TimeoutException"),
            (null, "System.InvalidOperationException"),
            ("load", null),
        }));
    }

    [Test]
    public void LapStopwatch_KeepsNamedLapsAndSplits()
    {
        var watch = LapStopwatch.StartNew();
        Thread.SpinWait(1000);
        watch.Lap("broad-phase");
        Thread.SpinWait(1000);
        watch.Lap("narrow-phase");

        Assert.That(watch.Laps.Select(l => l.Name), Is.EqualTo(new[] { "broad-phase", "narrow-phase" }));
        // Each figure is truncated to 100 ns ticks on its own, so the sum may be one tick off.
        Assert.That(watch.Laps[1].Split, Is.EqualTo(watch.Laps[0].Lap + watch.Laps[1].Lap).Within(TimeSpan.FromTicks(1)));
        Assert.That(watch.Split(), Is.GreaterThanOrEqualTo(watch.Laps[1].Split));
    }

    [TestCase(1, "100 ns")]
    [TestCase(25, "2.5 µs")]
    [TestCase(12_500, "1.25 ms")]
    [TestCase(35_000_000, "3.5 s")]
    [TestCase(74_000_000_000, "2 h 3 min")]
    [TestCase(1_008_000_000_000, "1 d 4 h")]
    public void HumanDuration_FormatsFromNanosecondsToDays(long ticks, string expected) =>
        Assert.That(HumanDuration.Format(TimeSpan.FromTicks(ticks)), Is.EqualTo(expected));

    [TestCase("1.25 ms", 12_500)]
    [TestCase("500ms", 5_000_000)]
    [TestCase("2 h 3 min", 73_800_000_000)]
    [TestCase("2h30min", 90_000_000_000)]
    [TestCase("1 d 4 h", 1_008_000_000_000)]
    [TestCase("00:00:05", 50_000_000)]
    [TestCase("750 µs", 7_500)]
    public void HumanDuration_ParsesConfigurationValues(string text, long ticks) =>
        Assert.That(HumanDuration.Parse(text), Is.EqualTo(TimeSpan.FromTicks(ticks)));

    [TestCase("")]
    [TestCase("fast")]
    [TestCase("5 weeks")]
    [TestCase("ms")]
    [TestCase("--5s")]
    [TestCase("-")]
    [TestCase("-ms")]
    public void HumanDuration_RefusesWhatIsNotADuration(string text) =>
        Assert.That(HumanDuration.TryParse(text, out _), Is.False);

    [TestCase("-5s", -50_000_000)]
    [TestCase("-1.25 ms", -12_500)]
    [TestCase("-00:00:05", -50_000_000)]
    public void HumanDuration_ParsesOneSign(string text, long ticks) =>
        Assert.That(HumanDuration.Parse(text), Is.EqualTo(TimeSpan.FromTicks(ticks)));

    [Test]
    [CancelAfter(30_000)]
    public async Task HumanDuration_ManySigns_AreRefusedWithoutRecursion(CancellationToken cancellationToken)
    {
        // #18: 20,000 leading signs used to recurse once each and overflow a thread-pool thread's stack.
        var text = new string('-', 20_000) + "5s";

        var parsed = await Task.Run(() => HumanDuration.TryParse(text, out _), cancellationToken);

        Assert.That(parsed, Is.False);
    }

    [Test]
    public void HumanDuration_RoundTripsNegatives() =>
        Assert.That(HumanDuration.Parse(HumanDuration.Format(TimeSpan.FromMilliseconds(-1.25))), Is.EqualTo(TimeSpan.FromMilliseconds(-1.25)));

    [Test]
    public void HumanDuration_RoundTripsItsOwnOutput()
    {
        foreach (var duration in new[] { TimeSpan.FromMilliseconds(1.25), TimeSpan.FromSeconds(3.5), TimeSpan.FromMinutes(123), TimeSpan.FromHours(28) })
        {
            Assert.That(HumanDuration.Parse(HumanDuration.Format(duration)), Is.EqualTo(duration).Within(TimeSpan.FromMilliseconds(1)), HumanDuration.Format(duration));
        }
    }

    private static void Warm(Histogram<double> histogram)
    {
        for (var i = 0; i < 1000; i++)
        {
            var timer = ValueTimer.Start();
            _ = timer.Elapsed;
            using var guard = new TimingGuard(histogram, "step");
        }
    }
}
