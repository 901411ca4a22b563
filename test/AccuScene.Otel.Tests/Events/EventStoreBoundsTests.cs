using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Events;

/// <summary>
/// #18, defect 6: the event store is bounded in bytes as well as entries. A 1 MB message used to keep 2 MB, so
/// the default 10,000 events could hold about 20 GB.
/// </summary>
[NonParallelizable]
public class EventStoreBoundsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Test]
    public void AHugeMessageAndHugeAttributes_AreCutToTheirLimits_AndCounted()
    {
        using var truncated = new MetricCollector<long>(AccuSceneSelfDiagnostics.EventsTruncated);
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxMessageLength = 100, MaxAttributeLength = 20, MaxAttributes = 3 });
        var attributes = Enumerable.Range(0, 10).ToDictionary(i => $"key-{i}-" + new string('k', 50), i => (object?)new string('v', 1_000_000));
        var stored = store.Add(new AccuSceneEvent(0, T0, AccuSceneEventSeverity.Info, "custom", new string('n', 5000), new string('m', 1_000_000), attributes, null, null));
        var plain = store.Add(new AccuSceneEvent(0, T0, AccuSceneEventSeverity.Info, "custom", "short", "fits", new Dictionary<string, object?> { ["a"] = "b" }, null, null));

        Assert.Multiple(() =>
        {
            Assert.That(stored.Message, Has.Length.EqualTo(100));
            Assert.That(stored.Message, Does.EndWith("…"));
            Assert.That(stored.Name, Has.Length.EqualTo(20));
            Assert.That(stored.Attributes, Has.Count.EqualTo(3));
            Assert.That(stored.Attributes.Keys.Concat(stored.Attributes.Values.Cast<string>()).Max(t => t.Length), Is.EqualTo(20));
            Assert.That(plain.Message, Is.EqualTo("fits"), "an event within the limits is kept as it is");
            Assert.That(store.Truncated, Is.EqualTo(1));
            Assert.That(truncated.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(1));
        });
    }

    [Test]
    public void TheByteBound_DropsTheOldest_AndCountsEachDrop()
    {
        using var dropped = new MetricCollector<long>(AccuSceneSelfDiagnostics.EventsDropped);
        var options = new AccuSceneEventsOptions { MaxEvents = 100_000, MaxBytes = 1L << 20, MaxMessageLength = 4096 };
        var store = new AccuSceneEventStore(options);
        for (var i = 0; i < 1000; i++)
        {
            store.Add(new AccuSceneEvent(0, T0.AddSeconds(i), AccuSceneEventSeverity.Info, "custom", $"e{i}", new string('m', 4096), new Dictionary<string, object?>(), null, null));
        }

        var newest = store.Query(new AccuSceneEventQuery(Limit: 1)).Events.Single();
        Assert.Multiple(() =>
        {
            Assert.That(store.Bytes, Is.LessThanOrEqualTo(options.MaxBytes));
            Assert.That(store.Count, Is.InRange(100, 130), "about 1 MiB of 8 KiB messages");
            Assert.That(store.Dropped, Is.EqualTo(1000 - store.Count));
            Assert.That(dropped.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(store.Dropped));
            Assert.That(newest.Name, Is.EqualTo("e999"));
        });
    }

    [Test]
    public void ACallersAttributeDictionary_IsCopied_SoItsSpareCapacityAndLaterChangesStayOut()
    {
        // Review of #18: a caller's dictionary kept as it was could hide megabytes of spare capacity from the estimate.
        var store = new AccuSceneEventStore();
        var attributes = new Dictionary<string, object?>(1_000_000) { ["k"] = "v" };
        var stored = store.Add(new AccuSceneEvent(0, T0, AccuSceneEventSeverity.Info, "custom", "n", "m", attributes, null, null));
        attributes["later"] = "change";

        Assert.Multiple(() =>
        {
            Assert.That(stored.Attributes, Is.Not.SameAs(attributes));
            Assert.That(stored.Attributes.Keys, Is.EqualTo(new[] { "k" }));
            Assert.That(store.Truncated, Is.Zero, "a copy is not a cut");
        });
    }

    [Test]
    public void NullTextsFromACarelessCaller_AreStoredAsEmpty()
    {
        var store = new AccuSceneEventStore();
        var stored = store.Add(new AccuSceneEvent(0, T0, AccuSceneEventSeverity.Info, null!, null!, null!, null!, null, null));

        Assert.Multiple(() =>
        {
            Assert.That(stored.Name, Is.Empty);
            Assert.That(stored.Message, Is.Empty);
            Assert.That(stored.Attributes, Is.Empty);
            Assert.That(store.Query(new AccuSceneEventQuery(Contains: "x")).Matched, Is.Zero, "a query over it does not throw");
        });
    }

    [TestCase("MaxBytes", "1000")]
    [TestCase("MaxMessageLength", "10")]
    [TestCase("MaxAttributeLength", "100000")]
    [TestCase("MaxAttributes", "0")]
    public void AnOutOfRangeLimit_FailsValidation_NamingTheKeyAndTheRange(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"AccuScene:Events:{key}"] = value }).Build();

        Assert.That(
            () => AccuSceneOptionsLoader.Load(configuration, null),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains($"AccuScene:Events:{key} must be between").And.Message.Contains($"it is {value}."));
    }
}
