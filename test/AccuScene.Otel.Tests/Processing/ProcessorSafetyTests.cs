using System.Diagnostics;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Processing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Processing;

public class ProcessorSafetyTests
{
    /// <summary>A processor whose dependency fails on every call, as a broken store or channel would.</summary>
    private sealed class ProcessorWithFailingDependency(Action<Activity> dependency) : AccuSceneProcessor<Activity>("failing-dependency")
    {
        protected override void OnStartCore(Activity data) => dependency(data);

        protected override void OnEndCore(Activity data) => dependency(data);

        protected override bool OnForceFlushCore(int timeoutMilliseconds) => throw new IOException("disk gone");

        protected override bool OnShutdownCore(int timeoutMilliseconds) => throw new IOException("disk gone");
    }

    [Test]
    public void ThrowingDependency_NeverReachesTheApplicationAndIsCounted()
    {
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.ProcessorErrors);
        var exported = new List<Activity>();
        using var source = new ActivitySource("AccuScene.Tests.Safety");
        var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddProcessor(new ProcessorWithFailingDependency(_ => throw new InvalidOperationException("store unavailable")))
            .AddInMemoryExporter(exported)
            .Build()!;

        Assert.DoesNotThrow(() =>
        {
            using var activity = source.StartActivity("work");
        });
        Assert.DoesNotThrow(() => provider.ForceFlush());
        Assert.DoesNotThrow(() => provider.Dispose());

        var byStage = collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["processor"], "failing-dependency"))
            .GroupBy(m => (string)m.Tags["stage"]!)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.That(byStage, Is.EquivalentTo(new Dictionary<string, long> { ["start"] = 1, ["end"] = 1, ["flush"] = 1, ["shutdown"] = 1 }));
        Assert.That(exported, Has.Count.EqualTo(1), "the span still reaches the exporter after the failing processor");
    }
}
