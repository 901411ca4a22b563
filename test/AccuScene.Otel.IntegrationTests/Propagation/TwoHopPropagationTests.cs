using System.Diagnostics;
using System.Net.Http.Json;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.IntegrationTests.Propagation;

/// <summary>
/// Service A (HttpClient) calls service B (ASP.NET Core on Kestrel, loopback) directly and through a hop
/// M that knows only W3C. Neither A's client code nor B has any AccuScene-specific propagation code.
/// </summary>
[NonParallelizable]
public class TwoHopPropagationTests
{
    private readonly List<Activity> _spans = [];
    private TracerProvider _tracer = null!;
    private WebApplication _serviceB = null!;
    private WebApplication _w3cOnlyHop = null!;
    private Uri _bUrl = null!;
    private Uri _hopUrl = null!;
    private DistributedContextPropagator _original = null!;

    [OneTimeSetUp]
    public async Task StartServices()
    {
        // B is an ordinary ASP.NET Core app whose only telemetry code is services.AddAccuScene(). Its host
        // is created while the process-wide propagator is still the plain W3C one, so B can only get the
        // AccuScene propagator through what AddAccuScene registers in DI.
        _original = DistributedContextPropagator.Current;
        DistributedContextPropagator.Current = DistributedContextPropagator.CreateDefaultPropagator();
        _serviceB = CreateApp(builder => builder.Services.AddAccuScene());

        // A and the capture: one in-memory provider for the process sees A's, M's and B's spans alike.
        _tracer = Sdk.CreateTracerProviderBuilder().AddAccuScene().AddInMemoryExporter(_spans).Build()!;
        _serviceB.MapGet("/scene", (HttpContext context) => Results.Json(new Received(
            context.Request.Headers["x-accuscene-scene-id"].ToString(),
            context.Request.Headers["x-accuscene-session-id"].ToString(),
            AccuSceneContext.CurrentSceneId,
            AccuSceneContext.CurrentSessionId,
            Activity.Current?.TraceId.ToHexString())));
        _bUrl = await StartAsync(_serviceB);

        // M extracts and injects with plain W3C only, and forwards no other header.
        var w3c = DistributedContextPropagator.CreateW3CPropagator();
        _w3cOnlyHop = CreateApp(builder =>
        {
            builder.Services.AddSingleton(w3c);
            builder.Services.AddHttpClient("b").ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ActivityHeadersPropagator = w3c });
        });
        _w3cOnlyHop.MapGet("/forward", async (IHttpClientFactory clients) =>
        {
            var client = clients.CreateClient("b");
            var received = await client.GetFromJsonAsync<Received>(new Uri(_bUrl, "/scene"));
            return Results.Json(received);
        });
        _hopUrl = await StartAsync(_w3cOnlyHop);
    }

    [OneTimeTearDown]
    public async Task StopServices()
    {
        await _w3cOnlyHop.DisposeAsync();
        await _serviceB.DisposeAsync();
        _tracer.Dispose();
        DistributedContextPropagator.Current = _original; // the fixtures after this one start from what was there
    }

    [SetUp]
    public void Clear() => _spans.Clear();

    [Test]
    [CancelAfter(180_000)]
    public async Task DirectCall_ServerSpanIsChildOfClientSpanAndCarriesSceneAndSession(CancellationToken cancellationToken)
    {
        var (received, runTraceId) = await this.CallInsideRunAsync("scene-direct", "session-direct", new Uri(_bUrl, "/scene"), cancellationToken);
        var spans = await this.SpansAsync(servers: 1, clients: 1, cancellationToken);
        var clientSpan = spans.Single(s => s.Source.Name == "System.Net.Http");
        var serverSpan = spans.Single(s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Multiple(() =>
        {
            Assert.That(received.HeaderSceneId, Is.EqualTo("scene-direct"), "custom header on the wire");
            Assert.That(received.HeaderSessionId, Is.EqualTo("session-direct"));
            Assert.That(received.TraceId, Is.EqualTo(runTraceId));
            Assert.That(serverSpan.TraceId.ToHexString(), Is.EqualTo(runTraceId));
            Assert.That(serverSpan.ParentSpanId, Is.EqualTo(clientSpan.SpanId));
            Assert.That(serverSpan.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(serverSpan.GetTagItem(AccuSceneAttributes.SceneId), Is.EqualTo("scene-direct"));
            Assert.That(serverSpan.GetTagItem(AccuSceneAttributes.SessionId), Is.EqualTo("session-direct"));
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task ThroughW3COnlyHop_SceneAndSessionStillArriveAsBaggage(CancellationToken cancellationToken)
    {
        var (received, runTraceId) = await this.CallInsideRunAsync("scene-hop", "session-hop", new Uri(_hopUrl, "/forward"), cancellationToken);
        var spans = await this.SpansAsync(servers: 2, clients: 2, cancellationToken);
        var servers = spans.Where(s => s.Source.Name == "Microsoft.AspNetCore").ToList();
        var clients = spans.Where(s => s.Source.Name == "System.Net.Http").ToList();
        var hopClient = clients.Single(c => servers.Any(m => m.SpanId == c.ParentSpanId));
        var clientA = clients.Single(c => c != hopClient);
        var serverM = servers.Single(m => m.SpanId == hopClient.ParentSpanId);
        var serverB = servers.Single(b => b.ParentSpanId == hopClient.SpanId);
        Assert.Multiple(() =>
        {
            Assert.That(received.HeaderSceneId, Is.Empty, "the W3C-only hop dropped the custom header");
            Assert.That(received.BaggageSceneId, Is.EqualTo("scene-hop"));
            Assert.That(received.BaggageSessionId, Is.EqualTo("session-hop"));
            Assert.That(received.TraceId, Is.EqualTo(runTraceId));
            Assert.That(serverB.TraceId.ToHexString(), Is.EqualTo(runTraceId));
            Assert.That(serverM.ParentSpanId, Is.EqualTo(clientA.SpanId));
            Assert.That(serverB.GetTagItem(AccuSceneAttributes.SceneId), Is.EqualTo("scene-hop"));
            Assert.That(serverB.GetTagItem(AccuSceneAttributes.SessionId), Is.EqualTo("session-hop"));
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task MalformedTraceParent_StartsAFreshTraceWithoutError(CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_bUrl, "/scene"));
        request.Headers.TryAddWithoutValidation("traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01");
        request.Headers.TryAddWithoutValidation("baggage", "%%%,=,;;");

        using var response = await client.SendAsync(request, cancellationToken);

        var server = (await this.SpansAsync(servers: 1, clients: 0, cancellationToken)).Single(s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.That(response.IsSuccessStatusCode, Is.True);
        Assert.That(server.ParentSpanId, Is.EqualTo(default(ActivitySpanId)));
        Assert.That(server.TraceId.ToHexString(), Is.Not.EqualTo("00000000000000000000000000000000"));
    }

    /// <summary>Service A: calls <paramref name="target"/> with HttpClient inside a simulation run.</summary>
    private async Task<(Received Received, string RunTraceId)> CallInsideRunAsync(string sceneId, string sessionId, Uri target, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        Received received;
        string runTraceId;
        using (var run = AccuSceneSpans.StartSimulationRun(sceneId, 2, sessionId)!)
        {
            runTraceId = run.TraceId.ToHexString();
            received = (await client.GetFromJsonAsync<Received>(target, cancellationToken))!;
        }

        return (received, runTraceId);
    }

    /// <summary>
    /// Server spans end after the response is sent, so the caller can have its answer before the spans
    /// are exported; wait (bounded) until the expected ones are there.
    /// </summary>
    private async Task<List<Activity>> SpansAsync(int servers, int clients, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            _tracer.ForceFlush();
            List<Activity> snapshot;
            try
            {
                snapshot = [.. _spans];
            }
            catch (InvalidOperationException)
            {
                // The exporter added a span while we copied; look again.
                continue;
            }

            var done = snapshot.Count(s => s.Source.Name == "Microsoft.AspNetCore") >= servers
                && snapshot.Count(s => s.Source.Name == "System.Net.Http") >= clients;
            if (done || DateTimeOffset.UtcNow > deadline)
            {
                return snapshot;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static WebApplication CreateApp(Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure(builder);
        return builder.Build();
    }

    private static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return new Uri(app.Urls.First());
    }

    private sealed record Received(string HeaderSceneId, string HeaderSessionId, string? BaggageSceneId, string? BaggageSessionId, string? TraceId);
}
