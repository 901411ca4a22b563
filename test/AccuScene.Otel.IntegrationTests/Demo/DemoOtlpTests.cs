using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// The demo as a user runs it, with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_SERVICE_NAME</c> pointing at a
/// real Aspire Dashboard: nested spans and trace-correlated logs arrive, and <c>/health/live</c> answers.
/// </summary>
[NonParallelizable]
public class DemoOtlpTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Demo_ExportsNestedSpansAndCorrelatedLogs_AndServesLiveness(CancellationToken cancellationToken)
    {
        using var dashboard = await AspireDashboard.StartAsync(cancellationToken);
        var (demo, port, _, service) = DemoProcess.StartExportingTo(dashboard, "demo", "8s");
        using var demoProcess = demo;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var liveStatus = 0;
        for (var attempt = 0; attempt < 40 && liveStatus != 200 && !demo.HasExited; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/live"), cancellationToken);
                liveStatus = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250, cancellationToken);
            }
        }

        var exited = await demo.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        Assert.That(exited, Is.True, "the demo stops by itself after --duration:\n" + demo.Output);
        Assert.That(demo.ExitCode, Is.Zero, demo.Output);
        Assert.That(liveStatus, Is.EqualTo(200), "GET /health/live");
        Assert.That(demo.Output, Does.Contain($"http://127.0.0.1:{port}"));
        var spans = await AspireDashboard.WaitForAsync(() => dashboard.GetSpansAsync(service, cancellationToken), s => s.Count >= 10, TimeSpan.FromSeconds(30), cancellationToken);
        var logs = await AspireDashboard.WaitForAsync(() => dashboard.GetLogsAsync(service, cancellationToken), l => l.Any(x => x.TraceId is { Length: > 0 }), TimeSpan.FromSeconds(30), cancellationToken);

        var spanIds = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans.Count(s => !string.IsNullOrEmpty(s.ParentSpanId) && spanIds.Contains(s.ParentSpanId!));
        var correlated = logs.Where(l => l.TraceId is { Length: > 0 }).ToList();
        TestContext.Out.WriteLine($"demo: {spans.Count} spans, {children} with a parent in the same export, {logs.Count} logs, {correlated.Count} with a trace id");
        Assert.Multiple(() =>
        {
            Assert.That(spans, Has.Count.GreaterThanOrEqualTo(10));
            Assert.That(spans.Select(s => s.ServiceName).Distinct(), Is.EqualTo(new[] { service }));
            Assert.That(children, Is.GreaterThanOrEqualTo(5));
            Assert.That(correlated, Is.Not.Empty);
            Assert.That(correlated.Select(l => l.TraceId), Has.Some.Matches<string>(id => spans.Any(s => s.TraceId == id)), "log trace ids match exported spans");
        });
    }
}
