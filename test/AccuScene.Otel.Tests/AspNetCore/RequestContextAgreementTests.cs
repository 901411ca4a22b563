using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Propagation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// ASP.NET Core reads a request's context through the <see cref="DistributedContextPropagator"/>, OpenTelemetry's
/// ASP.NET Core instrumentation reads it again through the <see cref="TextMapPropagator"/>, and starts a request
/// activity of its own when the two disagree. They must agree on every header, and the app must get AccuScene's
/// propagator whichever entry point wired it.
/// </summary>
[NonParallelizable]
public class RequestContextAgreementTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly string ManyMembers = string.Join(',', Enumerable.Range(0, 40).Select(i => $"k{i}=v{i}"));

    private static readonly string LongState = "a=" + new string('x', 687);

    private static IEnumerable<TestCaseData> States()
    {
        yield return new TestCaseData("congo=t61rcWkgMzE").SetName("a plain tracestate");
        yield return new TestCaseData(ManyMembers).SetName("40 members");
        yield return new TestCaseData(LongState).SetName("689 characters");
        yield return new TestCaseData("a=1,B=2").SetName("an invalid member");
    }

    [TestCaseSource(nameof(States))]
    public void BothPropagators_ReadTheTraceContextAlike(string state)
    {
        var headers = new Dictionary<string, string> { ["traceparent"] = TraceParent, ["tracestate"] = state };
        var rules = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default);
        rules.ExtractTraceIdAndState(headers, static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((Dictionary<string, string>)carrier!).GetValueOrDefault(name);
        }, out var parent, out var traceState);
        Assert.That(ActivityContext.TryParse(parent, traceState, isRemote: true, out var aspNetCore), Is.True);

        var openTelemetry = AccuScenePropagation.CreateTextMapPropagator(PropagatedHeaders.Default, rules)
            .Extract(default, headers, static (carrier, name) => carrier.TryGetValue(name, out var value) ? [value] : null)
            .ActivityContext;

        Assert.That(openTelemetry, Is.EqualTo(aspNetCore));
    }

    [TestCaseSource(nameof(States))]
    [CancelAfter(60_000)]
    public async Task ARequestWithAnyTraceState_KeepsItsSceneId_AndAnSdkEndpointStaysOutOfTheTraces(string state, CancellationToken cancellationToken)
    {
        var spans = new List<Activity>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene().WithTracing(t => t.AddInMemoryExporter(spans));
        builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
        var (scene, _) = await RunAsync(builder, state, cancellationToken);

        var server = spans.Where(s => s.Kind == ActivityKind.Server).Select(s => (string?)s.GetTagItem("url.path")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(scene, Is.EqualTo("scene-1"));
            Assert.That(server, Is.EqualTo(new[] { "/scene" }), "one server span, the app's: none of /health/live");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task WithTracingAlone_TheHostReadsRequestsWithAccuScenesPropagator(CancellationToken cancellationToken)
    {
        DistributedContextPropagator.Current = DistributedContextPropagator.CreateDefaultPropagator();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenTelemetry().WithTracing(t => t.AddAccuScene());
        builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
        var (scene, propagator) = await RunAsync(builder, "congo=t61rcWkgMzE", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(propagator, Is.InstanceOf<AccuSceneDistributedContextPropagator>());
            Assert.That(scene, Is.EqualTo("scene-1"));
        });
    }

    private static async Task<(string Scene, DistributedContextPropagator Propagator)> RunAsync(WebApplicationBuilder builder, string state, CancellationToken cancellationToken)
    {
        await using var app = builder.Build();
        app.MapAccuSceneHealth();
        app.MapGet("/scene", () => AccuSceneContext.CurrentSceneId ?? "(none)");
        await app.StartAsync(cancellationToken);

        // The client adds no context of its own: the request carries exactly these headers.
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(app.Urls.First()) };
        async Task<string> Get(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("traceparent", TraceParent);
            request.Headers.TryAddWithoutValidation("tracestate", state);
            request.Headers.TryAddWithoutValidation("x-accuscene-scene-id", "scene-1");
            using var response = await http.SendAsync(request, cancellationToken);
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }

        await Get("/health/live");
        var scene = await Get("/scene");
        var propagator = app.Services.GetRequiredService<DistributedContextPropagator>();
        await app.StopAsync(cancellationToken);
        return (scene, propagator);
    }
}
