using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Tracing;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.IntegrationTests.Otlp;

/// <summary>Telemetry exported by AccuScene arrives intact in a real OTLP receiver, over gRPC and http/protobuf.</summary>
[NonParallelizable]
public class OtlpExportTests
{
    private AspireDashboard _dashboard = null!;

    [OneTimeSetUp]
    public async Task StartReceiver()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _dashboard = await AspireDashboard.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public void StopReceiver() => _dashboard?.Dispose();

    [TestCase("grpc")]
    [TestCase("http/protobuf")]
    [CancelAfter(180_000)]
    public async Task SpansAndLogs_ArriveWithResourceParentsAttributesEventsAndTraceIds(string protocol, CancellationToken cancellationToken)
    {
        var service = "otlp-" + protocol.Replace('/', '-') + "-" + Guid.NewGuid().ToString("N")[..8];
        string runTraceId, runSpanId, stepSpanId;
        await using (var telemetry = AccuSceneTelemetrySystem.Create(o =>
        {
            o.Service.Name = service;
            o.Exporters.Otlp.Endpoint = protocol == "grpc" ? _dashboard.GrpcEndpoint : _dashboard.HttpEndpoint;
            o.Exporters.Otlp.Protocol = protocol;
            o.Tracing.CollectHttp = false;
        }).Start())
        {
            var logger = telemetry.CreateLogger("AccuScene.IntegrationTests");
            using (var run = AccuSceneSpans.StartSimulationRun("scene-77", vehicleCount: 2, sessionId: "session-88")!)
            {
                runTraceId = run.TraceId.ToHexString();
                runSpanId = run.SpanId.ToHexString();
                using (var step = AccuSceneSpans.StartSimulationStep(10, 0.01)!)
                {
                    stepSpanId = step.SpanId.ToHexString();
                    step.AddEvent(new ActivityEvent("collision.detected"));
                    LogStep(logger, 10);
                    using var query = AccuSceneSpans.StartDatabaseQuery("sqlite", "INSERT", "results");
                }
            }
        }

        var spans = await AspireDashboard.WaitForAsync(() => _dashboard.GetSpansAsync(service, cancellationToken), s => s.Count >= 3, TimeSpan.FromSeconds(30), cancellationToken);
        var logs = await AspireDashboard.WaitForAsync(() => _dashboard.GetLogsAsync(service, cancellationToken), l => l.Count >= 1, TimeSpan.FromSeconds(30), cancellationToken);

        var byName = spans.ToDictionary(s => s.Name);
        Assert.Multiple(() =>
        {
            Assert.That(byName.Keys, Is.EquivalentTo(new[] { "simulation.run", "simulation.step", "INSERT results" }));
            Assert.That(byName["simulation.run"].Resource["service.name"], Is.EqualTo(service));
            Assert.That(byName["simulation.run"].Resource, Does.ContainKey("service.instance.id").And.ContainKey("host.name").And.ContainKey("deployment.environment.name"));
            Assert.That(byName["simulation.run"].Scope, Is.EqualTo(AccuSceneTelemetry.SourceName));
            Assert.That(byName["simulation.run"].TraceId, Is.EqualTo(runTraceId));
            Assert.That(byName["simulation.run"].ParentSpanId, Is.Null.Or.Empty);
            Assert.That(byName["simulation.step"].ParentSpanId, Is.EqualTo(runSpanId));
            Assert.That(byName["INSERT results"].ParentSpanId, Is.EqualTo(stepSpanId));
            Assert.That(byName["simulation.run"].Attributes[AccuSceneAttributes.SceneId], Is.EqualTo("scene-77"));
            Assert.That(byName["simulation.run"].Attributes[AccuSceneAttributes.SessionId], Is.EqualTo("session-88"));
            Assert.That(byName["simulation.step"].Attributes[AccuSceneAttributes.SimulationStep], Is.EqualTo("10"));
            Assert.That(byName["simulation.step"].EventNames, Does.Contain("collision.detected"));
            Assert.That(byName["INSERT results"].Attributes["db.system.name"], Is.EqualTo("sqlite"));

            var log = logs.Single(l => l.Attributes.TryGetValue("Step", out var value) && value == "10");
            Assert.That(log.Body, Is.EqualTo("Step 10 integrated"));
            Assert.That(log.Scope, Is.EqualTo("AccuScene.IntegrationTests"));
            Assert.That(log.TraceId, Is.EqualTo(runTraceId));
            Assert.That(log.SpanId, Is.EqualTo(stepSpanId));
        });
    }

#pragma warning disable CA1848 // A plain call is what users write.
    private static void LogStep(ILogger logger, int step) => logger.LogInformation("Step {Step} integrated", step);
#pragma warning restore CA1848
}
