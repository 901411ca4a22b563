using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Instrumentation.Tracing;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Events;

/// <summary>Captured events still leave the process exactly once: one log record, one span event, in a real Aspire Dashboard.</summary>
[NonParallelizable]
public class EventExportTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task CapturedEvents_AreExportedExactlyOnce(CancellationToken cancellationToken)
    {
        using var dashboard = await AspireDashboard.StartAsync(cancellationToken);
        var service = "events-" + Guid.NewGuid().ToString("N")[..8];
        var marker = Guid.NewGuid().ToString("N");
        var store = AccuSceneEventStore.Shared;
        await using (var telemetry = AccuSceneTelemetrySystem.Create(o =>
        {
            o.Service.Name = service;
            o.Exporters.Otlp.Endpoint = dashboard.GrpcEndpoint;
            o.Tracing.CollectHttp = false;
        }).Start())
        {
            var logger = telemetry.CreateLogger("AccuScene.IntegrationTests.Events");
            using (var run = AccuSceneSpans.StartSimulationRun("scene-5", 2, "session-5"))
            {
                logger.RecordEvent(AccuSceneEventCategory.Simulation, AccuSceneEventSeverity.Warning, "collision.detected", "Vehicles collided", new KeyValuePair<string, object?>("marker", marker));
                run.AddEvent(AccuSceneEventCategory.Simulation, "impact." + marker);
            }
        }

        var logs = await AspireDashboard.WaitForAsync(() => dashboard.GetLogsAsync(service, cancellationToken), l => l.Count >= 1, TimeSpan.FromSeconds(30), cancellationToken);
        var spans = await AspireDashboard.WaitForAsync(() => dashboard.GetSpansAsync(service, cancellationToken), s => s.Count >= 1, TimeSpan.FromSeconds(30), cancellationToken);
        await Task.Delay(2000, cancellationToken); // anything exported twice would have arrived by now too
        logs = await dashboard.GetLogsAsync(service, cancellationToken);
        spans = await dashboard.GetSpansAsync(service, cancellationToken);

        var exportedLogs = logs.Count(l => l.Attributes.TryGetValue("marker", out var value) && value == marker);
        var exportedSpanEvents = spans.Sum(s => s.EventNames.Count(n => n == "impact." + marker));
        var stored = store.Query(new AccuSceneEventQuery(Limit: 1000)).Events;
        var capturedLogs = stored.Count(e => e.Attributes.TryGetValue("marker", out var m) && Equals(m, marker));
        var capturedSpanEvents = stored.Count(e => e.Name == "impact." + marker);
        TestContext.Out.WriteLine($"events: {exportedLogs} log record(s) and {exportedSpanEvents} span event(s) arrived; {capturedLogs} + {capturedSpanEvents} captured in the store");
        Assert.Multiple(() =>
        {
            Assert.That(exportedLogs, Is.EqualTo(1), "the event's log record arrives once");
            Assert.That(exportedSpanEvents, Is.EqualTo(1), "the span event arrives once");
            Assert.That(capturedLogs, Is.EqualTo(1), "the log event was captured once");
            Assert.That(capturedSpanEvents, Is.EqualTo(1), "the span event was captured once");
        });
    }
}
