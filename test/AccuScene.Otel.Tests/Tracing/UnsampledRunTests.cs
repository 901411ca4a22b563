using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Tracing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Tracing;

/// <summary>A run whose span is not sampled still carries its ids, on an activity of its own, never on its parent.</summary>
public class UnsampledRunTests
{
    [Test]
    public void TwoUnsampledRunsInOneRequest_EachCarryOnlyTheirOwnIds_AndLeaveTheRequestAlone()
    {
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(AccuSceneTelemetry.SourceName)
            .SetSampler(new AlwaysOffSampler())
            .AddInMemoryExporter(exported)
            .Build()!;
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

        (string? Scene, string? Session) first, second;
        Activity? firstRun;
        using (firstRun = AccuSceneSpans.StartSimulationRun("scene-A", 2, "session-A"))
        {
            first = (AccuSceneContext.CurrentSceneId, AccuSceneContext.CurrentSessionId);
        }

        using (AccuSceneSpans.StartSimulationRun("scene-B", 2))
        {
            second = (AccuSceneContext.CurrentSceneId, AccuSceneContext.CurrentSessionId);
        }

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(("scene-A", "session-A")));
            Assert.That(second, Is.EqualTo(("scene-B", (string?)null)), "run B has no session; it used to read run A's");
            Assert.That(request.Baggage, Is.Empty, "the request span carries no run's ids");
            Assert.That(request.GetTagItem(AccuSceneAttributes.SceneId), Is.Null);
            Assert.That(Activity.Current, Is.SameAs(request));
            Assert.That(firstRun!.TraceId, Is.EqualTo(request.TraceId));
            Assert.That(firstRun.IsAllDataRequested, Is.False, "instrumentation may skip it");
            Assert.That(firstRun.ActivityTraceFlags, Is.EqualTo(request.ActivityTraceFlags), "downstream sees the request's sampling decision");
            Assert.That(exported, Is.Empty, "nothing is recorded");
        });
    }

    [Test]
    public void AnUnsampledRunUnderARecordedParent_PutsItsIdsOnTheParent_NotOnASpanNoBackendReceives()
    {
        // A sampler that drops runs by name, under a request that is recorded: a child of the run's own would be the
        // parent of every span below it, and never exported.
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(AccuSceneTelemetry.SourceName)
            .SetSampler(new AlwaysOffSampler())
            .Build()!;
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        request.ActivityTraceFlags = ActivityTraceFlags.Recorded;

        using var run = AccuSceneSpans.StartSimulationRun("scene-A", 2, "session-A");

        Assert.Multiple(() =>
        {
            Assert.That(run, Is.Null);
            Assert.That(Activity.Current, Is.SameAs(request));
            Assert.That(request.GetBaggageItem(AccuSceneAttributes.SceneId), Is.EqualTo("scene-A"));
            Assert.That(request.GetTagItem(AccuSceneAttributes.SessionId), Is.EqualTo("session-A"));
        });
    }

    [Test]
    public void ADatabaseSpanUnderAnUnsampledParent_IsNotSanitisedForTheSampler_ButAKeptOneStillHasItsText()
    {
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(AccuSceneTelemetry.SourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(exported)
            .Build()!;
        using (new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        using (AccuSceneSpans.StartDatabaseQuery("postgresql", "SELECT", "runs", "SELECT 1 FROM runs WHERE id = 7"))
        {
        }

        Assert.That(exported.Single().GetTagItem("db.query.text"), Is.EqualTo("SELECT ? FROM runs WHERE id = ?"));
    }
}
