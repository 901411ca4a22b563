using System.Diagnostics;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Propagation;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Tests.Propagation;

public class PropagationRoundTripTests
{
    private static readonly PropagatedHeaders Headers = new([new("x-tenant-id", "accuscene.tenant.id")]);

    private static Activity StartedActivity()
    {
        var activity = new Activity("client").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=abc";
        activity.SetBaggage(AccuSceneAttributes.SceneId, "scene-42");
        activity.SetBaggage(AccuSceneAttributes.SessionId, "session-7");
        activity.SetBaggage("accuscene.tenant.id", "tenant-1");
        return activity;
    }

    [Test]
    public void DistributedContextPropagator_InjectsW3CAndCustomHeaders()
    {
        using var activity = StartedActivity();
        var carrier = new HeaderCarrier();

        new AccuSceneDistributedContextPropagator(Headers).Inject(activity, carrier, HeaderCarrier.Setter);

        Assert.Multiple(() =>
        {
            Assert.That(carrier["traceparent"], Is.EqualTo(activity.Id));
            Assert.That(carrier["tracestate"], Is.EqualTo("vendor=abc"));
            Assert.That(carrier["x-accuscene-scene-id"], Is.EqualTo("scene-42"));
            Assert.That(carrier["x-accuscene-session-id"], Is.EqualTo("session-7"));
            Assert.That(carrier["x-tenant-id"], Is.EqualTo("tenant-1"));
            Assert.That(carrier["baggage"].Replace(" ", "", StringComparison.Ordinal), Does.Contain("accuscene.scene.id=scene-42").And.Contain("accuscene.session.id=session-7"));
        });
    }

    [Test]
    public void DistributedContextPropagator_ExtractsWhatItInjected()
    {
        var propagator = new AccuSceneDistributedContextPropagator(Headers);
        var carrier = new HeaderCarrier();
        string? expectedId;
        using (var activity = StartedActivity())
        {
            propagator.Inject(activity, carrier, HeaderCarrier.Setter);
            expectedId = activity.Id;
        }

        propagator.ExtractTraceIdAndState(carrier, HeaderCarrier.Getter, out var traceId, out var traceState);
        var baggage = propagator.ExtractBaggage(carrier, HeaderCarrier.Getter)!.ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Multiple(() =>
        {
            Assert.That(traceId, Is.EqualTo(expectedId));
            Assert.That(traceState, Is.EqualTo("vendor=abc"));
            Assert.That(baggage[AccuSceneAttributes.SceneId], Is.EqualTo("scene-42"));
            Assert.That(baggage[AccuSceneAttributes.SessionId], Is.EqualTo("session-7"));
            Assert.That(baggage["accuscene.tenant.id"], Is.EqualTo("tenant-1"));
        });
    }

    [Test]
    public void W3COnlyHop_StillDeliversSceneAndSessionThroughBaggage()
    {
        var carrier = new HeaderCarrier();
        using (var activity = StartedActivity())
        {
            new AccuSceneDistributedContextPropagator(Headers).Inject(activity, carrier, HeaderCarrier.Setter);
        }

        // A hop that knows only W3C forwards traceparent, tracestate and baggage.
        var forwarded = new HeaderCarrier();
        foreach (var name in new[] { "traceparent", "tracestate", "baggage" })
        {
            forwarded[name] = carrier[name];
        }

        var baggage = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(forwarded, HeaderCarrier.Getter)!
            .ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.That(baggage[AccuSceneAttributes.SceneId], Is.EqualTo("scene-42"));
        Assert.That(baggage[AccuSceneAttributes.SessionId], Is.EqualTo("session-7"));
    }

    [Test]
    public void CustomHeader_WinsOverBaggageOnExtract()
    {
        var carrier = new HeaderCarrier
        {
            ["baggage"] = "accuscene.scene.id=old",
            ["x-accuscene-scene-id"] = "new",
        };

        var baggage = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(carrier, HeaderCarrier.Getter)!.ToList();

        Assert.That(baggage.Where(kv => kv.Key == AccuSceneAttributes.SceneId).Select(kv => kv.Value), Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public void TextMapPropagator_InjectsTheSameFieldsAsTheDistributedContextPropagator()
    {
        using var activity = StartedActivity();
        var fromDiagnostics = new HeaderCarrier();
        var fromOpenTelemetry = new HeaderCarrier();

        new AccuSceneDistributedContextPropagator(Headers).Inject(activity, fromDiagnostics, HeaderCarrier.Setter);
        AccuScenePropagation.CreateTextMapPropagator(Headers)
            .Inject(new PropagationContext(activity.Context, default), fromOpenTelemetry, HeaderCarrier.Set);

        Assert.That(fromOpenTelemetry.Keys.Order(), Is.EqualTo(fromDiagnostics.Keys.Order()));
        foreach (var name in new[] { "traceparent", "tracestate", "x-accuscene-scene-id", "x-accuscene-session-id", "x-tenant-id" })
        {
            Assert.That(fromOpenTelemetry[name], Is.EqualTo(fromDiagnostics[name]), name);
        }
    }

    [Test]
    public void TextMapPropagator_ExtractsCustomHeadersIntoBaggage()
    {
        var carrier = new HeaderCarrier
        {
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["x-accuscene-scene-id"] = "scene-9",
            ["baggage"] = "accuscene.session.id=s-1",
        };

        var context = AccuScenePropagation.CreateTextMapPropagator(Headers).Extract(default, carrier, HeaderCarrier.Get);

        Assert.Multiple(() =>
        {
            Assert.That(context.ActivityContext.TraceId.ToHexString(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
            Assert.That(context.Baggage.GetBaggage(AccuSceneAttributes.SceneId), Is.EqualTo("scene-9"));
            Assert.That(context.Baggage.GetBaggage(AccuSceneAttributes.SessionId), Is.EqualTo("s-1"));
        });
    }

    [Test]
    public void SceneSetThroughOpenTelemetryBaggage_ReachesHttpClientHeaders()
    {
        using var activity = new Activity("client").SetIdFormat(ActivityIdFormat.W3C).Start();
        var previous = Baggage.Current;
        Baggage.SetBaggage(AccuSceneAttributes.SceneId, "scene-otel");
        try
        {
            var carrier = new HeaderCarrier();

            new AccuSceneDistributedContextPropagator(Headers).Inject(activity, carrier, HeaderCarrier.Setter);

            Assert.That(carrier["x-accuscene-scene-id"], Is.EqualTo("scene-otel"));
        }
        finally
        {
            Baggage.Current = previous;
        }
    }

    [Test]
    public void ActivityBaggage_IsSentByBothPropagators()
    {
        using var activity = StartedActivity();
        activity.SetBaggage("team.flag", "on");
        var fromDiagnostics = new HeaderCarrier();
        var fromOpenTelemetry = new HeaderCarrier();

        new AccuSceneDistributedContextPropagator(Headers).Inject(activity, fromDiagnostics, HeaderCarrier.Setter);
        AccuScenePropagation.CreateTextMapPropagator(Headers).Inject(new PropagationContext(activity.Context, default), fromOpenTelemetry, HeaderCarrier.Set);

        static HashSet<string> Items(string header) =>
            header.Split(',').Select(i => i.Replace(" ", "", StringComparison.Ordinal)).ToHashSet();
        Assert.That(Items(fromOpenTelemetry["baggage"]), Is.EquivalentTo(Items(fromDiagnostics["baggage"])));
        Assert.That(Items(fromDiagnostics["baggage"]), Does.Contain("team.flag=on"));
    }

    [Test]
    public void ThrowingCarrier_DoesNotFailTheRequest()
    {
        using var activity = StartedActivity();
        DistributedContextPropagator.PropagatorSetterCallback throwing = (_, _, _) => throw new InvalidOperationException("headers are read-only");

        Assert.DoesNotThrow(() => new AccuSceneDistributedContextPropagator(Headers).Inject(activity, new HeaderCarrier(), throwing));
        // OpenTelemetry's own TraceContextPropagator lets a throwing setter through; ours does not.
        Assert.DoesNotThrow(() => new AccuSceneTextMapPropagator(Headers)
            .Inject(new PropagationContext(activity.Context, default), new HeaderCarrier(), (_, _, _) => throw new InvalidOperationException("read-only")));
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("a,b")]
    [TestCase("line\nbreak")]
    public void BadCustomHeaderValue_IsDroppedAndCounted(string value)
    {
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.PropagationRejected);
        var carrier = new HeaderCarrier { ["x-accuscene-scene-id"] = value };

        var baggage = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(carrier, HeaderCarrier.Getter);

        Assert.That(baggage ?? [], Has.None.Matches<KeyValuePair<string, string?>>(kv => kv.Key == AccuSceneAttributes.SceneId));
        Assert.That(collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["field"], "x-accuscene-scene-id")).Sum(m => m.Value), Is.EqualTo(1));
    }

    [Test]
    public void OversizedCustomHeaderValue_IsDropped()
    {
        var carrier = new HeaderCarrier { ["x-accuscene-scene-id"] = new string('a', PropagatedHeaders.MaxValueLength + 1) };

        var baggage = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(carrier, HeaderCarrier.Getter);

        Assert.That(baggage, Is.Null.Or.Empty);
    }

    [TestCase("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")]
    [TestCase("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [TestCase("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")]
    public void ARefusedTraceparent_IsCounted(string traceparent)
    {
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.PropagationRejected);
        var carrier = new HeaderCarrier { ["traceparent"] = traceparent };

        new AccuSceneDistributedContextPropagator(Headers).ExtractTraceIdAndState(carrier, HeaderCarrier.Getter, out var traceId, out _);
        new AccuSceneDistributedContextPropagator(Headers).ExtractTraceIdAndState(new HeaderCarrier(), HeaderCarrier.Getter, out var none, out _);

        Assert.Multiple(() =>
        {
            Assert.That(traceId, Is.Null);
            Assert.That(none, Is.Null);
            Assert.That(collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["field"], "traceparent")).Sum(m => m.Value), Is.EqualTo(1), "the refused one, not the missing one");
        });
    }

    [Test]
    public void ABaggageHeaderOverTheW3CLimits_IsCutTo180Members_AndCounted_AndTheCustomHeadersStillArrive()
    {
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.PropagationRejected);
        var carrier = new HeaderCarrier
        {
            ["baggage"] = string.Join(",", Enumerable.Range(0, 500).Select(i => $"k{i}=v")),
            ["x-accuscene-scene-id"] = "scene-9",
        };

        var baggage = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(carrier, HeaderCarrier.Getter)!.ToList();

        Assert.Multiple(() =>
        {
            Assert.That(baggage.Where(kv => kv.Key.StartsWith('k')).Select(kv => kv.Key), Is.EquivalentTo(Enumerable.Range(0, 180).Select(i => $"k{i}")), "the header's first 180, as OpenTelemetry keeps them");
            Assert.That(baggage, Does.Contain(new KeyValuePair<string, string?>(AccuSceneAttributes.SceneId, "scene-9")));
            Assert.That(collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["field"], "baggage")).Sum(m => m.Value), Is.EqualTo(1));
        });
    }

    [Test]
    public void AnIdInBaggageWithW3CProperties_KeepsTheIdWithoutThem()
    {
        var carrier = new HeaderCarrier { ["baggage"] = $"{AccuSceneAttributes.SceneId}=scene-1;ttl=5,other=x" };

        var baggage = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(carrier, HeaderCarrier.Getter)!.ToList();
        var fromOpenTelemetry = AccuScenePropagation.CreateTextMapPropagator(Headers).Extract(default, carrier, HeaderCarrier.Get).Baggage;

        Assert.That(baggage, Does.Contain(new KeyValuePair<string, string?>(AccuSceneAttributes.SceneId, "scene-1")));
        Assert.That(fromOpenTelemetry.GetBaggage(AccuSceneAttributes.SceneId), Is.EqualTo("scene-1"));
    }

    [Test]
    public void ABaggageHeaderOver8192Characters_IsCutAtTheMemberThatPassesThem()
    {
        var carrier = new HeaderCarrier { ["baggage"] = string.Join(",", Enumerable.Range(0, 100).Select(i => $"k{i:D2}={new string('v', 100)}")) };

        var baggage = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(carrier, HeaderCarrier.Getter)!.ToList();

        // Each member is 104 characters and a comma: 78 of them come to 8,189.
        Assert.That(baggage.Select(kv => kv.Key), Is.EquivalentTo(Enumerable.Range(0, 78).Select(i => $"k{i:D2}")));
    }

    [Test]
    public void AnIdSetOnTheActivityAfterExtraction_IsSentByBothPropagatorsAlike()
    {
        // A request brought scene B into both baggages; the app then moved its activity to scene A.
        using var activity = new Activity("server").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.SetBaggage(AccuSceneAttributes.SceneId, "scene-B");
        activity.SetBaggage(AccuSceneAttributes.SceneId, "scene-A");
        var openTelemetryBaggage = Baggage.Create().SetBaggage(AccuSceneAttributes.SceneId, "scene-B");
        var distributed = new HeaderCarrier();
        var textMap = new HeaderCarrier();

        new AccuSceneDistributedContextPropagator(Headers).Inject(activity, distributed, HeaderCarrier.Setter);
        new AccuSceneTextMapPropagator(Headers).Inject(new PropagationContext(activity.Context, openTelemetryBaggage), textMap, HeaderCarrier.Set);

        Assert.Multiple(() =>
        {
            Assert.That(distributed["x-accuscene-scene-id"], Is.EqualTo("scene-A"));
            Assert.That(textMap["x-accuscene-scene-id"], Is.EqualTo("scene-A"));
            Assert.That(textMap["baggage"], Does.Contain("accuscene.scene.id=scene-A").And.Not.Contain("scene-B"));
        });
    }

    [Test]
    public void AnIdThatCannotBeSent_IsCountedWhenItIsLeftOut()
    {
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.PropagationRejected);
        using var activity = new Activity("client").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.SetBaggage(AccuSceneAttributes.SceneId, "scene 42"); // a space: not a valid header value
        var distributed = new HeaderCarrier();
        var textMap = new HeaderCarrier();

        new AccuSceneDistributedContextPropagator(Headers).Inject(activity, distributed, HeaderCarrier.Setter);
        new AccuSceneTextMapPropagator(Headers).Inject(new PropagationContext(activity.Context, default), textMap, HeaderCarrier.Set);

        Assert.Multiple(() =>
        {
            Assert.That(distributed.ContainsKey("x-accuscene-scene-id"), Is.False);
            Assert.That(textMap.ContainsKey("x-accuscene-scene-id"), Is.False);
            Assert.That(collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["field"], "x-accuscene-scene-id")).Sum(m => m.Value), Is.EqualTo(2));
        });
    }

    [Test]
    public void TheTextMapPropagator_SendsTheNearestActivitysValueOfABaggageKey()
    {
        using var parent = new Activity("parent").SetIdFormat(ActivityIdFormat.W3C).Start();
        parent.SetBaggage("k", "outer");
        parent.SetBaggage("only.parent", "p");
        using var child = new Activity("child").SetIdFormat(ActivityIdFormat.W3C).Start();
        child.SetBaggage("k", "inner");
        var carrier = new HeaderCarrier();

        new AccuSceneTextMapPropagator(Headers).Inject(new PropagationContext(child.Context, default), carrier, HeaderCarrier.Set);

        var baggage = carrier["baggage"].Replace(" ", "", StringComparison.Ordinal).Split(',');
        Assert.That(baggage, Is.EquivalentTo(new[] { "k=inner", "only.parent=p" }));
    }

    [Test]
    public void KeysThatDifferOnlyInCase_AreBothSent_ByBothPropagators()
    {
        // OpenTelemetry's Baggage compares keys by ordinal (since 1.15.1), as Activity baggage does.
        using var parent = new Activity("parent").SetIdFormat(ActivityIdFormat.W3C).Start();
        parent.SetBaggage("tenant", "outer");
        using var child = new Activity("child").SetIdFormat(ActivityIdFormat.W3C).Start();
        child.SetBaggage("Tenant", "inner");
        var fromOpenTelemetry = new HeaderCarrier();
        var fromDiagnostics = new HeaderCarrier();

        new AccuSceneTextMapPropagator(Headers).Inject(new PropagationContext(child.Context, default), fromOpenTelemetry, HeaderCarrier.Set);
        new AccuSceneDistributedContextPropagator(Headers).Inject(child, fromDiagnostics, HeaderCarrier.Setter);

        static string[] Members(HeaderCarrier carrier) => carrier["baggage"].Replace(" ", "", StringComparison.Ordinal).Split(',');
        Assert.Multiple(() =>
        {
            Assert.That(Members(fromOpenTelemetry), Is.EquivalentTo(new[] { "Tenant=inner", "tenant=outer" }));
            Assert.That(Members(fromDiagnostics), Is.EquivalentTo(Members(fromOpenTelemetry)));
        });
    }

    [Test]
    public void ACustomHeaderSentTwice_IsRefusedAndCounted_ByBothPropagators()
    {
        string[] twice = ["scene-A", "scene-B"];
        DistributedContextPropagator.PropagatorGetterCallback getter = (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            value = null;
            values = name == PropagatedHeaders.SceneIdHeader ? twice : null;
        };
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.PropagationRejected);

        var fromDiagnostics = new AccuSceneDistributedContextPropagator(Headers).ExtractBaggage(null, getter)?.ToList() ?? [];
        var fromOpenTelemetry = new AccuSceneTextMapPropagator(Headers).Extract(default, (object?)null, (_, name) => name == PropagatedHeaders.SceneIdHeader ? twice : null).Baggage;

        Assert.Multiple(() =>
        {
            Assert.That(fromDiagnostics.Select(b => b.Key), Does.Not.Contain("accuscene.scene.id"));
            Assert.That(fromOpenTelemetry.GetBaggage("accuscene.scene.id"), Is.Null);
            Assert.That(Rejected(collector, PropagatedHeaders.SceneIdHeader), Is.EqualTo(2));
        });
    }

    [Test]
    public void ALaterTraceparentVersionWithMoreFields_IsReadAsVersion00()
    {
        const string parent = "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        new AccuSceneDistributedContextPropagator(Headers).ExtractTraceIdAndState(
            new HeaderCarrier { ["traceparent"] = parent + "-what-comes-later" }, HeaderCarrier.Getter, out var id, out _);

        Assert.Multiple(() =>
        {
            Assert.That(id, Is.EqualTo(parent));
            Assert.That(ActivityContext.TryParse(id, null, out var context), Is.True);
            Assert.That(context.TraceId.ToHexString(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
        });
    }

    private static long Rejected(MetricCollector<long> collector, string field) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["field"], field)).Sum(m => m.Value);
}
