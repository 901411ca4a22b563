using AccuScene.Otel.Metrics.InProcess;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>The in-process reader's exporter hands shutdown and disposal to every consumer, whatever one of them does.</summary>
public class InProcessMetricExporterTests
{
    [Test]
    public void AConsumerThatThrowsOnShutdownOrDispose_KeepsTheOthersFromNeither_AndNothingThrows()
    {
        var throwing = new Consumer(fail: true);
        var other = new Consumer(fail: false);
        var exporter = new InProcessMetricExporter([throwing, other]);

        Assert.That(exporter.Shutdown(), Is.False, "one consumer failed to shut down");
        Assert.DoesNotThrow(exporter.Dispose);
        Assert.That((other.ShutDown, other.Disposed), Is.EqualTo((true, true)));
    }

    private sealed class Consumer(bool fail) : BaseExporter<Metric>
    {
        public bool ShutDown { get; private set; }

        public bool Disposed { get; private set; }

        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;

        protected override bool OnShutdown(int timeoutMilliseconds)
        {
            this.ShutDown = true;
            return fail ? throw new InvalidOperationException("consumer shutdown failed") : true;
        }

        protected override void Dispose(bool disposing)
        {
            this.Disposed = true;
            base.Dispose(disposing);
            if (fail)
            {
                throw new InvalidOperationException("consumer dispose failed");
            }
        }
    }
}
