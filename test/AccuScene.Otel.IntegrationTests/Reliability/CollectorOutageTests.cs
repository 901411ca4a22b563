using System.Diagnostics;
using System.Runtime.Versioning;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Reliability;

/// <summary>
/// R2: with disk retry on, spans emitted while the collector is down reach it once it is back.
/// OpenTelemetry's persistent-storage handler re-sends stored batches every 60 s, so the wait allows for
/// two such cycles. The process runs under <c>umask 002</c> and the directory exists with mode 0777:
/// OpenTelemetry 1.21 refuses such a directory, so AccuScene must tighten it to 0700 for anything to be stored.
/// </summary>
[NonParallelizable]
[UnsupportedOSPlatform("windows")]
public class CollectorOutageTests
{
    private const int SpanCount = 1_000;

    [Test]
    [CancelAfter(300_000)]
    public async Task SpansEmittedDuringOutage_ArriveAfterTheCollectorReturns(CancellationToken cancellationToken)
    {
        using var dashboard = await AspireDashboard.StartAsync(cancellationToken);
        dashboard.Stop();
        var root = Directory.CreateTempSubdirectory("accuscene-otlp-retry-").FullName;
        var retryDirectory = Path.Combine(root, "shared");
        Directory.CreateDirectory(retryDirectory);
        File.SetUnixFileMode(retryDirectory, (UnixFileMode)0b111_111_111);
        using var umask = ProcessUmask.Set(0b000_000_010);
        var service = "outage-" + Guid.NewGuid().ToString("N")[..8];

        try
        {
            await using var telemetry = AccuSceneTelemetrySystem.Create(o =>
            {
                o.Service.Name = service;
                o.Exporters.Otlp.Endpoint = dashboard.GrpcEndpoint;
                o.Exporters.Otlp.Protocol = "grpc";
                o.Exporters.Otlp.TimeoutMilliseconds = 2_000;
                o.Exporters.Otlp.DiskRetry.Enabled = true;
                o.Exporters.Otlp.DiskRetry.Directory = retryDirectory;
                o.Tracing.CollectHttp = false;
            }).Start();

            for (var i = 0; i < SpanCount; i++)
            {
                using var span = AccuSceneTelemetry.ActivitySource.StartActivity("outage.span");
                span?.SetTag("accuscene.test.index", i);
            }

            telemetry.ForceFlush(30_000);
            var storedFiles = Directory.GetFiles(retryDirectory, "*", SearchOption.AllDirectories).Length;
            var mode = File.GetUnixFileMode(retryDirectory);

            var restartedAt = Stopwatch.StartNew();
            await dashboard.RestartAsync(cancellationToken);
            var spans = await AspireDashboard.WaitForAsync(
                () => dashboard.GetSpansAsync(service, cancellationToken),
                s => s.Count >= SpanCount,
                TimeSpan.FromSeconds(150),
                cancellationToken);
            var elapsed = restartedAt.Elapsed;

            var indices = spans.Select(s => s.Attributes["accuscene.test.index"]).ToHashSet();
            TestContext.Out.WriteLine($"R2: emitted {SpanCount} spans while the receiver was down; directory mode {Convert.ToString((int)mode, 8)} under umask 002; {storedFiles} retry file(s) on disk; {spans.Count} spans ({indices.Count} distinct) arrived {elapsed.TotalSeconds:F1} s after the restart.");
            Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "the directory was tightened to 0700");
            Assert.That(storedFiles, Is.GreaterThan(0), "failed exports were written to the retry directory");
            Assert.That(indices, Has.Count.EqualTo(SpanCount));
            Assert.That(spans, Has.Count.EqualTo(SpanCount), "no span arrived twice");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
