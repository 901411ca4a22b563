using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Hosting;

/// <summary>
/// However short a run, what it recorded is exported before the process ends: when a host stops (even one
/// that is never disposed), when the facade is disposed, and when a bare builder's provider is disposed.
/// Every metric reader here exports once a minute, so only a final collection can deliver the points.
/// </summary>
[NonParallelizable]
public class FlushAtExitTests
{
    private const int OncePerMinute = 60_000;

    [Test]
    [CancelAfter(30_000)]
    public async Task HostStoppedButNotDisposed_ExportsMetricsSpansAndLogs(CancellationToken cancellationToken)
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var logs = new List<LogRecord>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene(o => o.Dashboard.Enabled = false)
            .WithTracing(t => t.AddProcessor(new BatchActivityExportProcessor(new InMemoryExporter<Activity>(spans), scheduledDelayMilliseconds: OncePerMinute)))
            .WithMetrics(m => m.AddInMemoryExporter(metrics, r => r.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = OncePerMinute))
            .WithLogging(l => l.AddInMemoryExporter(logs));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        using var meter = new Meter("AccuScene.ShortRun");
        meter.CreateCounter<long>("accuscene.short_run.steps").Add(3);
        using (AccuSceneTelemetry.ActivitySource.StartActivity("short-run"))
        {
#pragma warning disable CA1848 // A plain call is what users write.
            host.Services.GetRequiredService<ILogger<FlushAtExitTests>>().LogInformation("short run done");
#pragma warning restore CA1848
        }

        Assert.That(metrics.Select(m => m.Name), Does.Not.Contain("accuscene.short_run.steps"), "no metric is exported before the minute is up");
        Assert.That(spans.Select(s => s.DisplayName), Does.Not.Contain("short-run"), "no span is exported before the batch's minute is up");

        await host.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(metrics.Select(m => m.Name), Does.Contain("accuscene.short_run.steps"), "the final collection ran at host stop");
            Assert.That(spans.Select(s => s.DisplayName), Does.Contain("short-run"));
            Assert.That(logs.Select(l => l.FormattedMessage), Does.Contain("short run done"));
        });

        // The test's own clean-up, after the assertions: disposing would flush anyway.
        host.Dispose();
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task FailedFinalExport_IsCountedAndNotThrown(CancellationToken cancellationToken)
    {
        using var failures = new MetricCollector<long>(null, "AccuScene.Otel", "accuscene.otel.flush.failures");

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene(o => o.Dashboard.Enabled = false)
            .WithMetrics(m => m.AddReader(new PeriodicExportingMetricReader(new FailingExporter(), OncePerMinute)));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        using var meter = new Meter("AccuScene.Failing");
        meter.CreateCounter<long>("accuscene.failing.steps").Add(1);

        Assert.That(async () => await host.StopAsync(cancellationToken), Throws.Nothing);
        Assert.That(failures.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["signal"])), Does.Contain((1L, (object?)"metrics")));

        host.Dispose();
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task HostWithThePrometheusEndpoint_FlushesPushReaders_AndCountsNoFailure(CancellationToken cancellationToken)
    {
        // A pull reader cannot be collected outside a scrape, so OpenTelemetry's ForceFlush reports false.
        using var failures = new MetricCollector<long>(null, "AccuScene.Otel", "accuscene.otel.flush.failures");

        var metrics = new List<Metric>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene(o =>
            {
                o.Dashboard.Enabled = false;
                o.Exporters.Prometheus.Enabled = true;
                o.Exporters.Prometheus.Port = LoopbackPort.GetFree();
            })
            .WithMetrics(m => m.AddInMemoryExporter(metrics, r => r.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = OncePerMinute));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        using var meter = new Meter("AccuScene.Scraped");
        meter.CreateCounter<long>("accuscene.scraped.steps").Add(2);

        await host.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(metrics.Select(m => m.Name), Does.Contain("accuscene.scraped.steps"), "the push reader beside the pull reader was flushed");
            Assert.That(failures.Instrument, Is.Not.Null, "the collector listens to the failure counter");
            Assert.That(failures.GetMeasurementSnapshot(), Is.Empty, "the pull reader's false is not a failed export");
        });
        host.Dispose();
    }

    [Test]
    public void Facade_WithThePrometheusEndpoint_ForceFlushIsNotFalseForThePullReader()
    {
        using var telemetry = AccuSceneTelemetrySystem.Create(o =>
        {
            o.Exporters.Prometheus.Enabled = true;
            o.Exporters.Prometheus.Port = LoopbackPort.GetFree();
        }).Start();

        Assert.That(telemetry.ForceFlush(), Is.True, "the pull reader's false is not a failed flush, as the host reads it");
    }

    [Test]
    public void Facade_Disposed_ExportsItsMetrics()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            using (AccuSceneTelemetrySystem.Create(o =>
            {
                o.Exporters.Console.Enabled = true;
                o.Metrics.ExportIntervalMilliseconds = OncePerMinute;
            }).Start())
            {
                using var meter = new Meter("AccuScene.FacadeRun");
                meter.CreateCounter<long>("accuscene.facade_run.steps").Add(5);
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.That(output.ToString(), Does.Contain("accuscene.facade_run.steps"));
    }

    [Test]
    public void BareMeterProvider_Disposed_ExportsItsMetrics()
    {
        var metrics = new List<Metric>();
        using var meter = new Meter("AccuScene.BareRun");
        var counter = meter.CreateCounter<long>("accuscene.bare_run.steps");
        using (Sdk.CreateMeterProviderBuilder()
            .AddAccuScene(o => o.Dashboard.Enabled = false)
            .AddInMemoryExporter(metrics, r => r.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = OncePerMinute)
            .Build())
        {
            counter.Add(7);
        }

        Assert.That(metrics.Select(m => m.Name), Does.Contain("accuscene.bare_run.steps"));
    }

    private sealed class FailingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Failure;
    }
}
