using AccuScene.Otel.Propagation;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Tests.Propagation;

/// <summary>
/// A scene or session id that arrives in the standard <c>baggage</c> header is held to the rules of its
/// <c>x-accuscene-*</c> header (#18): CR/LF, control characters and over-long values are dropped by both
/// propagators, while the other baggage items and valid ids pass.
/// </summary>
public class HostileBaggageTests
{
    private static readonly TestCaseData[] Hostile =
    [
        new TestCaseData("a%0D%0AX-Injected: 1").SetArgDisplayNames("CR LF"),
        new TestCaseData("tab%09inside").SetArgDisplayNames("control character"),
        new TestCaseData(new string('s', 257)).SetArgDisplayNames("257 characters"),
    ];

    [TestCaseSource(nameof(Hostile))]
    public void SystemDiagnosticsPropagator_DropsAHostileIdFromBaggage(string encoded)
    {
        var propagator = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default);
        var carrier = new HeaderCarrier { ["baggage"] = $"accuscene.scene.id={encoded},accuscene.session.id=session-7,tenant=acme" };

        var baggage = propagator.ExtractBaggage(carrier, HeaderCarrier.Getter)?.ToDictionary(b => b.Key, b => b.Value) ?? [];

        Assert.Multiple(() =>
        {
            Assert.That(baggage.ContainsKey("accuscene.scene.id"), Is.False);
            Assert.That(baggage["accuscene.session.id"], Is.EqualTo("session-7"));
            Assert.That(baggage["tenant"], Is.EqualTo("acme"));
        });
    }

    [TestCaseSource(nameof(Hostile))]
    public void OpenTelemetryPropagator_DropsAHostileIdFromBaggage(string encoded)
    {
        var propagator = AccuScenePropagation.CreateTextMapPropagator(PropagatedHeaders.Default);
        var carrier = new HeaderCarrier { ["baggage"] = $"accuscene.scene.id={encoded},accuscene.session.id=session-7,tenant=acme" };

        var baggage = propagator.Extract(default, carrier, HeaderCarrier.Get).Baggage;

        Assert.Multiple(() =>
        {
            Assert.That(baggage.GetBaggage("accuscene.scene.id"), Is.Null);
            Assert.That(baggage.GetBaggage("accuscene.session.id"), Is.EqualTo("session-7"));
            Assert.That(baggage.GetBaggage("tenant"), Is.EqualTo("acme"));
        });
    }

    [Test]
    public void AOneMegabyteId_ArrivesThroughNeitherPropagator()
    {
        var carrier = new HeaderCarrier { ["baggage"] = "accuscene.scene.id=" + new string('m', 1_000_000) };

        var fromDiagnostics = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default).ExtractBaggage(carrier, HeaderCarrier.Getter)?.ToList() ?? [];
        var fromOpenTelemetry = AccuScenePropagation.CreateTextMapPropagator(PropagatedHeaders.Default).Extract(default, carrier, HeaderCarrier.Get).Baggage;

        Assert.Multiple(() =>
        {
            Assert.That(fromDiagnostics.Select(b => b.Key), Does.Not.Contain("accuscene.scene.id"));
            Assert.That(fromOpenTelemetry.GetBaggage("accuscene.scene.id"), Is.Null);
        });
    }

    [Test]
    public void AValidIdInBaggage_StillArrives()
    {
        var propagator = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default);
        var carrier = new HeaderCarrier { ["baggage"] = "accuscene.scene.id=scene-42" };

        var baggage = propagator.ExtractBaggage(carrier, HeaderCarrier.Getter)?.ToList() ?? [];

        Assert.That(baggage, Does.Contain(new KeyValuePair<string, string?>("accuscene.scene.id", "scene-42")));
    }
}
