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
            Assert.That(firstRun.ActivityTraceFlags, Is.EqualTo(request.ActivityTraceFlags), "downstream sees the request's sampling decision");
            Assert.That(exported, Is.Empty, "nothing is recorded");
        });
    }
}
