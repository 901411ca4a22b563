using System.Diagnostics.Metrics;
using AccuScene.Otel.Profiling;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Profiling;

/// <summary>
/// A scope counts in the session it started in. One that straddles <c>StartSession</c> used to be charged whole to
/// the new session (time from before it began), so a baseline/candidate comparison showed a regression that never
/// happened; it is now in no session, counted, and still on the histogram.
/// </summary>
[NonParallelizable]
public class ProfilerSessionBoundaryTests
{
    // By name: the listener's callback runs while the SDK's meter publishes its instruments.
    private const string Unassigned = "accuscene.otel.profiling.scopes.unassigned";

    [Test]
    public void AScopeAcrossStartSession_IsInNeitherSession_AndCounted()
    {
        var time = new FakeTimeProvider();
        using var profiler = new AccuSceneProfiler(time: time);
        long unassigned = 0;
        var histogram = new List<double>();
        using var listener = Listen(
            (name, value) =>
            {
                if (name == Unassigned)
                {
                    Interlocked.Add(ref unassigned, (long)value);
                }
                else
                {
                    lock (histogram)
                    {
                        histogram.Add(value);
                    }
                }
            },
            profiler.Duration);

        var baseline = profiler.StartSession("baseline");
        var load = profiler.Scope("load");
        time.Advance(TimeSpan.FromSeconds(5));
        var candidate = profiler.StartSession("candidate");
        time.Advance(TimeSpan.FromSeconds(5));
        load.Dispose();
        using (profiler.Scope("load"))
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var candidateLoad = candidate.Summarize().Scopes.Single();
        Assert.Multiple(() =>
        {
            Assert.That(baseline.Summarize().Scopes, Is.Empty, "the baseline stopped before the scope ended: its figures are final");
            Assert.That((candidateLoad.Count, candidateLoad.MaxMs), Is.EqualTo((1L, 1000d)), "only the scope that ran in the candidate, not 10 s from before it began");
            Assert.That(Interlocked.Read(ref unassigned), Is.EqualTo(1));
            Assert.That(histogram, Is.EqualTo(new[] { 10d, 1d }), "both scopes are on the histogram");
        });
    }

    [Test]
    public void AScopeCountsInTheSessionItStartedIn_WhileThatSessionRuns()
    {
        var time = new FakeTimeProvider();
        using var profiler = new AccuSceneProfiler(time: time);
        var session = profiler.StartSession("one");
        var scope = profiler.Scope("step");
        time.Advance(TimeSpan.FromMilliseconds(20));
        scope.Dispose();

        Assert.That(session.Summarize().Scopes.Single().MaxMs, Is.EqualTo(20));
    }

    private static MeterListener Listen(Action<string, double> onMeasurement, Instrument duration)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument == duration || instrument.Name == Unassigned)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => onMeasurement(instrument.Name, value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => onMeasurement(instrument.Name, value));
        listener.Start();
        return listener;
    }
}
