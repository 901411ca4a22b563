using System.Diagnostics.Metrics;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Profiling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AccuScene.Otel.Tests.Profiling;

/// <summary>
/// #18, defect 5: the profiler grew with every distinct scope name (+449 MB for 100,000 names). A session now
/// keeps at most MaxScopes names; later names go to one overflow scope, counted.
/// </summary>
[NonParallelizable]
public class ProfilerBoundsTests
{
    [Test]
    public void NamesPastTheMaximum_GoToTheOverflowScope_AndAreCounted()
    {
        using var overflowed = new MetricCollector<long>(AccuSceneSelfDiagnostics.ProfilingScopesOverflowed);
        using var profiler = new AccuSceneProfiler(options: new AccuSceneProfilingOptions { MaxScopes = 16 });
        for (var i = 0; i < 100; i++)
        {
            using var scope = profiler.Scope($"scope-{i}");
        }

        using (profiler.Scope("scope-3"))
        {
            // A name the session already holds keeps its own statistics.
        }

        var scopes = profiler.CurrentSession.Summarize().Scopes;
        Assert.Multiple(() =>
        {
            Assert.That(scopes, Has.Count.EqualTo(17), "16 names and the overflow scope");
            Assert.That(scopes.Single(s => s.Name == AccuSceneProfiler.OverflowScope).Count, Is.EqualTo(84));
            Assert.That(scopes.Single(s => s.Name == "scope-3").Count, Is.EqualTo(2));
            Assert.That(overflowed.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(84));
        });
    }

    [Test]
    public void ThreadsAddingNamesAtOnce_NeverPassTheMaximum()
    {
        // Each thread used to check the count and add its name in two steps: eight threads at the last free place
        // all passed the check.
        for (var round = 0; round < 20; round++)
        {
            using var profiler = new AccuSceneProfiler(options: new AccuSceneProfilingOptions { MaxScopes = 16 });
            for (var i = 0; i < 15; i++)
            {
                using var scope = profiler.Scope($"held-{i}");
            }

            using var start = new Barrier(8);
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                using var scope = profiler.Scope($"new-{t}");
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            var scopes = profiler.CurrentSession.Summarize().Scopes;
            Assert.That(scopes.Count(s => s.Name != AccuSceneProfiler.OverflowScope), Is.EqualTo(16), $"round {round}");
            Assert.That(scopes.Sum(s => s.Count), Is.EqualTo(23), "every scope recorded somewhere");
        }
    }

    [Test]
    public void AMeterListenerThatThrows_DoesNotEscapeTheScope_AndTheSessionStillCountsIt()
    {
        // The app's own listener on the profiling histogram, throwing: the app's exception inside a scope would be hidden.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => throw new InvalidOperationException("the app's listener"));
        listener.Start();
        using var profiler = new AccuSceneProfiler(factory);

        Assert.DoesNotThrow(() =>
        {
            using var scope = profiler.Scope("x");
        });
        Assert.That(profiler.CurrentSession.Summarize().Scopes.Single().Count, Is.EqualTo(1));
    }

    [Test]
    public void ANameOnlyTheHistogramFolds_IsCounted()
    {
        using var overflowed = new MetricCollector<long>(AccuSceneSelfDiagnostics.ProfilingScopesOverflowed);
        using var profiler = new AccuSceneProfiler(options: new AccuSceneProfilingOptions { MaxScopes = 1 });
        using (profiler.Scope("a"))
        {
        }

        profiler.StartSession("next");
        using (profiler.Scope("b"))
        {
        }

        var counts = overflowed.GetMeasurementSnapshot().GroupBy(m => m.Tags["accuscene.profiling.overflow"]).ToDictionary(g => g.Key!, g => g.Sum(m => m.Value));
        Assert.Multiple(() =>
        {
            Assert.That(profiler.CurrentSession.Summarize().Scopes.Single().Name, Is.EqualTo("b"), "the session has room for it");
            Assert.That(counts, Is.EqualTo(new Dictionary<object, long> { ["histogram"] = 1 }), "the histogram's tag, full with 'a', folds it into (overflow)");
        });
    }

    [Test]
    public void ANewSession_StartsWithRoomForNewNames()
    {
        using var profiler = new AccuSceneProfiler(options: new AccuSceneProfilingOptions { MaxScopes = 2 });
        foreach (var name in new[] { "a", "b", "c" })
        {
            using var scope = profiler.Scope(name);
        }

        profiler.StartSession("next");
        using (profiler.Scope("c"))
        {
        }

        Assert.That(profiler.CurrentSession.Summarize().Scopes.Select(s => s.Name), Is.EqualTo(new[] { "c" }));
    }

    [Test]
    public void ALongName_IsCut_AndABlankNameIsRefusedBeforeAnythingStarts()
    {
        using var profiler = new AccuSceneProfiler(options: new AccuSceneProfilingOptions { MaxScopeNameLength = 32 });
        using (profiler.Scope(new string('x', 1_000_000)))
        {
        }

        var before = System.Diagnostics.Activity.Current;
        Assert.Multiple(() =>
        {
            Assert.That(profiler.CurrentSession.Summarize().Scopes.Single().Name, Is.EqualTo(new string('x', 32)));
            Assert.That(() => profiler.Scope(null!), Throws.ArgumentNullException);
            Assert.That(() => profiler.Scope(" "), Throws.ArgumentException);
            Assert.That(() => profiler.Scope(new string(' ', 32) + "x"), Throws.ArgumentException, "blank up to the cut");
            Assert.That(() => profiler.Scope(AccuSceneProfiler.OverflowScope), Throws.ArgumentException, "reserved for the names past MaxScopes");
            Assert.That(profiler.CurrentSession.Summarize().Scopes, Has.Count.EqualTo(1));
            Assert.That(System.Diagnostics.Activity.Current, Is.SameAs(before));
        });
    }

    [TestCase(0)]
    [TestCase(10_001)]
    public void AnOutOfRangeMaximum_IsRefusedNamingTheKey(int maxScopes)
    {
        Assert.That(
            () => new AccuSceneProfiler(options: new AccuSceneProfilingOptions { MaxScopes = maxScopes }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("AccuScene:Profiling:MaxScopes"));
    }
}
