using System.Diagnostics;
using AccuScene.Otel.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// A web app on loopback Kestrel with AccuScene's endpoints and one of its own: server spans follow the HTTP
/// semantic conventions, and the SDK's endpoints (health, dashboard, alerts, events, profiling), in the app
/// and in the worker host, add neither spans nor <c>http.server.request.duration</c> points unless
/// <c>AccuScene:Tracing:IncludeSdkEndpoints</c> asks for them.
/// </summary>
[NonParallelizable]
public class SdkEndpointTelemetryTests
{
    private static readonly string[] SdkPaths =
        ["/health", "/health/live", "/health/ready", "/dashboard", "/dashboard/data", "/alerts", "/events", "/profiling"];

    private static readonly string[] SdkPrefixes = ["/health", "/dashboard", "/alerts", "/events", "/profiling"];

    [Test]
    [CancelAfter(60_000)]
    public async Task ServerSpans_FollowTheHttpConventions_AndLeaveOutSdkEndpoints(CancellationToken cancellationToken)
    {
        var (spans, metrics, (gets, heads)) = await RunAppAsync(includeSdkEndpoints: false, cancellationToken);
        var server = spans.Where(s => s.Kind == ActivityKind.Server).ToList();
        TestContext.Out.WriteLine("server spans: " + string.Join(", ", server.Select(s => $"{s.DisplayName} ({s.GetTagItem("url.path")})")));

        var scene = server.Single(s => (string?)s.GetTagItem("url.path") == "/scenes/42");
        var thrown = server.Single(s => (string?)s.GetTagItem("url.path") == "/scenes/throws");
        var appInGroup = server.Single(s => (string?)s.GetTagItem("url.path") == "/health/app");
        var failed = server.Single(s => (string?)s.GetTagItem("url.path") == "/scenes/unavailable");
        var missing = server.Single(s => (string?)s.GetTagItem("url.path") == "/missing");
        Assert.Multiple(() =>
        {
            Assert.That(server.Select(s => s.DisplayName), Has.None.EqualTo("Microsoft.AspNetCore.Hosting.HttpRequestIn"));
            Assert.That(server.Select(s => (string)s.GetTagItem("url.path")!), Has.None.Matches<string>(IsSdkPath), "no server span of an SDK endpoint");
            Assert.That(server, Has.Count.EqualTo(5), "the app's five requests, and nothing else");
            Assert.That(gets.Values, Has.All.StartWith("200 "), "every SDK endpoint answers GET");
            Assert.That(heads, Is.EquivalentTo(gets), "HEAD (Azure Front Door's probe, link checkers, uptime monitors) is answered with GET's status and content type, never with routing's 405");

            Assert.That(scene.DisplayName, Is.EqualTo("GET /scenes/{id}"));
            Assert.That(scene.GetTagItem("http.request.method"), Is.EqualTo("GET"));
            Assert.That(scene.GetTagItem("http.route"), Is.EqualTo("/scenes/{id}"));
            Assert.That(scene.GetTagItem("url.scheme"), Is.EqualTo("http"));
            Assert.That(scene.GetTagItem("http.response.status_code"), Is.EqualTo(200));
            Assert.That(scene.GetTagItem("server.address"), Is.EqualTo("127.0.0.1"));
            Assert.That(scene.GetTagItem("server.port"), Is.TypeOf<int>());
            Assert.That(scene.GetTagItem("network.protocol.version"), Is.EqualTo("1.1"));
            Assert.That(scene.TagObjects.Select(t => t.Key), Has.None.AnyOf("http.method", "http.target", "http.url", "http.status_code", "net.host.name", "net.host.port", "http.scheme"), "no attribute of the old conventions beside the new ones");
            Assert.That(scene.Status, Is.EqualTo(ActivityStatusCode.Unset));

            Assert.That(failed.DisplayName, Is.EqualTo("GET /scenes/{id}"));
            Assert.That(failed.Status, Is.EqualTo(ActivityStatusCode.Error), "5xx is an error on a server span");
            Assert.That(failed.GetTagItem("error.type"), Is.EqualTo("503"));

            Assert.That(thrown.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(thrown.GetTagItem("error.type"), Is.EqualTo(typeof(InvalidOperationException).FullName));
            Assert.That(thrown.Events.Select(e => e.Name), Is.EqualTo(new[] { "exception" }), "an unhandled exception is one exception event");

            Assert.That(appInGroup.DisplayName, Is.EqualTo("GET /health/app"), "an app endpoint added to the group MapAccuSceneHealth() returns is app traffic");

            Assert.That(missing.DisplayName, Is.EqualTo("GET"), "no route: the method alone");
            Assert.That(missing.GetTagItem("http.response.status_code"), Is.EqualTo(404));
            Assert.That(missing.Status, Is.EqualTo(ActivityStatusCode.Unset), "4xx is not an error on a server span");
        });

        var routes = RequestDurationRoutes(metrics);
        TestContext.Out.WriteLine("http.server.request.duration routes: " + string.Join(", ", routes));
        Assert.That(routes, Does.Contain("/scenes/{id}").And.Contain("/health/app"));
        Assert.That(routes, Has.None.Matches<string>(IsSdkPath), "no request-duration point for an SDK endpoint");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task IncludeSdkEndpoints_TurnsTheirSpansAndMetricsBackOn(CancellationToken cancellationToken)
    {
        var (spans, metrics, _) = await RunAppAsync(includeSdkEndpoints: true, cancellationToken);
        var names = spans.Where(s => s.Kind == ActivityKind.Server).Select(s => s.DisplayName).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(names, Does.Contain("GET /health/ready").And.Contain("GET /dashboard/data").And.Contain("GET /events"));
            Assert.That(RequestDurationRoutes(metrics), Does.Contain("/health/ready").And.Contain("/events"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task WorkerHost_LeavesItsEndpointsOutOfTheAppsTelemetry(CancellationToken cancellationToken)
    {
        var (spans, routes, requests) = await RunWorkerHostAsync(includeSdkEndpoints: false, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(spans, Is.Empty, "a wrong path's 404 and a POST's 405 included");
            Assert.That(routes, Is.Empty);
            Assert.That(requests, Is.Zero, "no http.server.request.duration point, with a route or without");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task WorkerHost_WithIncludeSdkEndpoints_RecordsThem(CancellationToken cancellationToken)
    {
        var (spans, routes, _) = await RunWorkerHostAsync(includeSdkEndpoints: true, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(spans, Does.Contain("GET /health/ready").And.Contain("GET /events"));
            Assert.That(routes, Does.Contain("/health/ready"));
        });
    }

    private static async Task<(List<string> ServerSpans, List<string> Routes, long Requests)> RunWorkerHostAsync(bool includeSdkEndpoints, CancellationToken cancellationToken)
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene(o => o.Tracing.IncludeSdkEndpoints = includeSdkEndpoints)
            .WithTracing(t => t.AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddInMemoryExporter(metrics));
        builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
        builder.Services.AddAccuSceneHealthEndpoint(o => o.Port = 0);
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var address = host.Services.GetRequiredService<HealthEndpointHost>().Address!;
        using var http = new HttpClient();
        foreach (var path in new[] { "/health/live", "/health/ready", "/dashboard/data", "/events" })
        {
            using var response = await http.GetAsync(new Uri(address, path), cancellationToken);
        }

        // Requests no endpoint answers: a scraper at the wrong port, a POST to a probe.
        using (await http.GetAsync(new Uri(address, "/metrics"), cancellationToken))
        using (await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/health/live")), cancellationToken))
        {
        }

        await host.StopAsync(cancellationToken);
        var requests = 0L;
        foreach (var metric in metrics.Where(m => m.Name == "http.server.request.duration"))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                requests += point.GetHistogramCount();
            }
        }

        return (spans.Where(s => s.Kind == ActivityKind.Server).Select(s => s.DisplayName).ToList(), RequestDurationRoutes(metrics), requests);
    }

    // "/health/app" is the app's own endpoint in the group MapAccuSceneHealth() returns.
    private static bool IsSdkPath(string? path) => path is not null && path != "/health/app" && SdkPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal));

    private static List<string> RequestDurationRoutes(List<Metric> metrics)
    {
        var routes = new List<string>();
        foreach (var metric in metrics.Where(m => m.Name == "http.server.request.duration"))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "http.route" && tag.Value is string route)
                    {
                        routes.Add(route);
                    }
                }
            }
        }

        return routes.Distinct().ToList();
    }

    private static async Task<(List<Activity> Spans, List<Metric> Metrics, (Dictionary<string, string> Get, Dictionary<string, string> Head) Answers)> RunAppAsync(bool includeSdkEndpoints, CancellationToken cancellationToken)
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene(o => o.Tracing.IncludeSdkEndpoints = includeSdkEndpoints)
            .WithTracing(t => t.AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddInMemoryExporter(metrics));
        builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
        await using var app = builder.Build();
        app.MapAccuSceneHealth().MapGet("/app", () => "the app's own");
        app.MapAccuSceneDashboard();
        app.MapAccuSceneAlerts();
        app.MapAccuSceneEvents();
        app.MapAccuSceneProfiling();
        app.MapGet("/scenes/{id}", (string id) => id switch
        {
            "unavailable" => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
            "throws" => throw new InvalidOperationException("the scene store is gone"),
            _ => Results.Text(id),
        });
        await app.StartAsync(cancellationToken);

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        static string Answer(HttpResponseMessage response) => $"{(int)response.StatusCode} {response.Content.Headers.ContentType}";
        var gets = new Dictionary<string, string> { ["/dashboard/stream"] = "200 text/event-stream; charset=utf-8" };
        foreach (var path in SdkPaths.Concat(["/dashboard/dashboard.js", "/scenes/42", "/scenes/unavailable", "/scenes/throws", "/health/app", "/missing"]))
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            if (IsSdkPath(path))
            {
                gets[path] = Answer(response);
            }
        }

        var heads = new Dictionary<string, string>();
        foreach (var path in gets.Keys)
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative));
            using var response = await http.SendAsync(head, cancellationToken);
            heads[path] = Answer(response);
        }

        await app.StopAsync(cancellationToken);
        return (spans, metrics, (gets, heads));
    }
}
