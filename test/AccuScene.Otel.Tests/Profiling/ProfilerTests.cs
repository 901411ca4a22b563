using AccuScene.Otel.Events;
using AccuScene.Otel.Profiling;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Metrics;
using Snapshooter;
using Snapshooter.NUnit;

namespace AccuScene.Otel.Tests.Profiling;

public class ProfilerTests
{
    [TestCase(false, 0)]
    [TestCase(true, 3)]
    public void Scopes_AreSpansOnlyWhenAskedFor_AndAreMeasuredEitherWay(bool spans, int expectedSpans)
    {
        var started = 0;
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == AccuSceneProfiler.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _ => Interlocked.Increment(ref started),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var profiler = new AccuSceneProfiler(options: new AccuSceneProfilingOptions { Spans = spans });

        for (var i = 0; i < 3; i++)
        {
            using (profiler.Scope("integration"))
            {
            }
        }

        Assert.That(started, Is.EqualTo(expectedSpans));
        Assert.That(profiler.Report().Current.Scopes.Single().Count, Is.EqualTo(3), "the session measures every scope");
    }

    [Test]
    public void ScopeDurations_AndSessionDurations_FollowTheGivenClock()
    {
        var time = new SteppingClock();
        using var profiler = new AccuSceneProfiler(time: time);
        profiler.StartSession("clock");
        using (profiler.Scope("step"))
        {
            time.Elapse(TimeSpan.FromSeconds(1));
        }

        // A wall-clock step back (an NTP correction) moves the session's times, not how long it ran.
        time.Elapse(TimeSpan.FromSeconds(1));
        time.StepWallClock(TimeSpan.FromHours(-1));
        var stopped = profiler.StopSession().Summarize();

        Assert.Multiple(() =>
        {
            Assert.That(stopped.Scopes.Single().MeanMs, Is.EqualTo(1000).Within(1e-6));
            Assert.That(stopped.DurationMs, Is.EqualTo(2000).Within(1e-6));
            Assert.That(stopped.StoppedAt, Is.LessThan(stopped.StartedAt), "the wall clock did step back");
        });
    }

    [Test]
    public void TheHistogramsScopeTag_TakesAtMostMaxScopesNames_OverEverySession()
    {
        using var profiler = new AccuSceneProfiler(options: new AccuSceneProfilingOptions { MaxScopes = 2 });
        var tags = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument, profiler.Duration))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, t, _) => tags.Add((string)t[0].Value!));
        listener.Start();

        // Each session keeps two names of its own; a cumulative exporter would keep all eight series.
        foreach (var session in new[] { "one", "two", "three", "four" })
        {
            profiler.StartSession(session);
            foreach (var scope in new[] { $"{session}.a", $"{session}.b" })
            {
                using (profiler.Scope(scope))
                {
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(tags.Distinct().Order(), Is.EqualTo(new[] { AccuSceneProfiler.OverflowScope, "one.a", "one.b" }));
            Assert.That(profiler.Report().Current.Scopes.Select(s => s.Name), Is.EqualTo(new[] { "four.a", "four.b" }), "the session itself still names its scopes");
        });
    }

    [Test]
    public void ScopeDurations_KeepTheirNanoseconds()
    {
        // A clock that ticks in nanoseconds: a TimeSpan would have cut 250 ns to 200 ns and 80 ns to nothing.
        var time = new NanosecondClock();
        using var profiler = new AccuSceneProfiler(time: time);
        using (profiler.Scope("short"))
        {
            time.Nanoseconds += 250;
        }

        using (profiler.Scope("shorter"))
        {
            time.Nanoseconds += 80;
        }

        var scopes = profiler.Report().Current.Scopes.ToDictionary(s => s.Name);
        Assert.Multiple(() =>
        {
            Assert.That(scopes["short"].MeanMs, Is.EqualTo(0.00025).Within(1e-12));
            Assert.That(scopes["shorter"].MeanMs, Is.EqualTo(0.00008).Within(1e-12));
        });
    }

    [Test]
    public void TheDurationHistogram_HasSecondBucketsFromAMicrosecond_InAPlainProvider()
    {
        // OpenTelemetry's default buckets (0, 5, 10 … 10000) are for milliseconds: every scope under 5 s would
        // share one bucket. The advice on the instrument holds without AddAccuScene()'s views.
        var exported = new List<Metric>();
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(AccuSceneProfiler.SourceName)
            .AddInMemoryExporter(exported)
            .Build()!;
        using var profiler = new AccuSceneProfiler();
        using (profiler.Scope("step"))
        {
        }

        provider.ForceFlush();
        var metric = exported.Last(m => m.Name == "accuscene.profiling.scope.duration");
        var bounds = new List<double>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            foreach (var bucket in point.GetHistogramBuckets())
            {
                bounds.Add(bucket.ExplicitBound);
            }
        }

        Assert.That(bounds, Has.Count.EqualTo(72), "1 µs to 10 s, ten per decade, and +Inf");
        Assert.That(bounds[0], Is.EqualTo(1e-6));
        Assert.That(bounds[^2], Is.EqualTo(10));
    }

    private sealed class NanosecondClock : TimeProvider
    {
        public long Nanoseconds { get; set; }

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => this.Nanoseconds;
    }

    /// <summary>A monotonic clock that moves only when told, and a wall clock that can step on its own.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _wall = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => _wall;

        public override long GetTimestamp() => _ticks;

        public void Elapse(TimeSpan by)
        {
            _ticks += by.Ticks;
            _wall += by;
        }

        public void StepWallClock(TimeSpan by) => _wall += by;
    }

    [Test]
    public void ScopeStatistics_MatchExactComputations()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 4)).ToArray();
        var statistics = new ScopeStatistics();
        foreach (var value in values)
        {
            statistics.Record(value, 16);
        }

        var summary = statistics.Summarize("integration");
        var sorted = values.Order().ToArray();
        double Exact(double q) => sorted[(int)Math.Floor(q * (sorted.Length - 1))];
        var mean = values.Average();
        var stdDev = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Count, Is.EqualTo(values.Length));
            Assert.That(summary.MeanMs, Is.EqualTo(mean).Within(1e-9).Percent);
            Assert.That(summary.StdDevMs, Is.EqualTo(stdDev).Within(1e-9).Percent);
            Assert.That(summary.MinMs, Is.EqualTo(sorted[0]));
            Assert.That(summary.MaxMs, Is.EqualTo(sorted[^1]));
            Assert.That(summary.TotalMs, Is.EqualTo(values.Sum()).Within(1e-9).Percent);
            Assert.That(summary.MedianMs, Is.EqualTo(Exact(0.5)).Within(1).Percent);
            Assert.That(summary.P95Ms, Is.EqualTo(Exact(0.95)).Within(1).Percent);
            Assert.That(summary.P99Ms, Is.EqualTo(Exact(0.99)).Within(1).Percent);
            Assert.That(summary.AllocatedBytes, Is.EqualTo(16L * values.Length));
        });
    }

    [Test]
    public void AnEmptyDefaultSessionBetweenTwo_IsNotKept_ButOneWithScopesIs()
    {
        using var profiler = new AccuSceneProfiler(time: new FakeTimeProvider());
        profiler.StartSession("baseline");
        profiler.StopSession();
        profiler.StartSession("candidate"); // the default session in between recorded nothing
        profiler.StopSession();
        using (profiler.Scope("between"))
        {
        }

        profiler.StartSession("third");

        Assert.That(profiler.Report().Recent.Select(s => s.Name), Is.EqualTo(new[] { "default", "candidate", "baseline" }));
    }

    [Test]
    public void Sessions_StartStopKeepRecentAndCompare()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        using var profiler = new AccuSceneProfiler(time: time);
        var baseline = profiler.StartSession("baseline");
        using (profiler.Scope("collision-detection"))
        {
            time.Advance(TimeSpan.FromMilliseconds(2)); // scopes are timed by the profiler's clock
        }

        time.Advance(TimeSpan.FromSeconds(5));
        var baselineStop = time.GetUtcNow();
        profiler.StartSession("candidate");
        for (var i = 0; i < 3; i++)
        {
            using var scope = profiler.Scope("collision-detection");
            time.Advance(TimeSpan.FromMilliseconds(3));
        }

        var report = profiler.Report();
        var comparison = AccuSceneProfiler.Compare(report.Recent[0], report.Current);
        Assert.Multiple(() =>
        {
            Assert.That(report.Current.Name, Is.EqualTo("candidate"));
            Assert.That(report.Current.StoppedAt, Is.Null);
            Assert.That(report.Recent.Select(s => s.Name), Is.EqualTo(new[] { "baseline" }), "the default session before it recorded nothing");
            Assert.That(report.Recent[0].DurationMs, Is.EqualTo(5002));
            Assert.That(report.Recent[0].Scopes.Single().Count, Is.EqualTo(1));
            Assert.That(report.Current.Scopes.Single().Count, Is.EqualTo(3));
            Assert.That(report.Current.Scopes.Single().P99Ms, Is.EqualTo(3).Within(1).Percent);
            Assert.That(comparison.Single().Name, Is.EqualTo("collision-detection"));
            Assert.That(comparison.Single().MeanRatio, Is.EqualTo(1.5).Within(1e-9));
            Assert.That(baseline.StoppedAt, Is.EqualTo(baselineStop));
        });
    }

    [Test]
    public void AScope_RecordsItsAllocations()
    {
        using var profiler = new AccuSceneProfiler();
        using (profiler.Scope("allocating"))
        {
            GC.KeepAlive(new byte[100_000]);
        }

        Assert.That(profiler.CurrentSession.Summarize().Scopes.Single().AllocatedBytes, Is.GreaterThanOrEqualTo(100_000));
    }

    [Test]
    public void TheJsonOfAReportAndAComparison_MatchesTheirSnapshots()
    {
        var at = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        var baseline = new ProfilingSessionSummary("a1", "baseline", at, at.AddSeconds(30), 30_000, 12_500, [new("collision-detection", 1800, 0.025, 0.024, 0.031, 0.058, 0.02, 0.30, 0.009, 45, 0)]);
        var candidate = new ProfilingSessionSummary("b2", "candidate", at.AddSeconds(30), null, 10_000, 4_000, [new("collision-detection", 600, 0.02, 0.019, 0.025, 0.04, 0.015, 0.2, 0.006, 12, 4096)]);

        Snapshot.Match(AccuSceneDiagnosticsJson.Serialize(new ProfilingReport(candidate, [baseline])), SnapshotNameExtension.Create("report"));
        Snapshot.Match(AccuSceneDiagnosticsJson.Serialize(AccuSceneProfiler.Compare(baseline, candidate)), SnapshotNameExtension.Create("comparison"));
    }
}
