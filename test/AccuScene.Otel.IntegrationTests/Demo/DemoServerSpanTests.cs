using System.Globalization;
using System.Text;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Microsoft.Playwright.NUnit;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// The demo's SERVER spans and metrics as a real Aspire Dashboard receives them over OTLP. Under <c>--chaos</c>
/// (the database is away from 10 s after start, so scene requests answer 503), with a real headless Chromium
/// keeping <c>/dashboard</c> (and its <c>/dashboard/stream</c>) open and the SDK endpoints polled every 500 ms:
/// no span is named <c>Microsoft.AspNetCore.Hosting.HttpRequestIn</c>; every SERVER span is named
/// <c>{method} {route}</c> and carries the HTTP semantic-convention attributes; none belongs to an SDK endpoint
/// (<c>/health</c>, <c>/dashboard</c>, <c>/alerts</c>, <c>/events</c>, <c>/profiling</c>); a 4xx is not an error,
/// a 503 is, with <c>error.type</c>. The resource has metrics (OTLP), and the console exporter prints metrics.
/// </summary>
[NonParallelizable]
public class DemoServerSpanTests : PlaywrightTest
{
    private const string HttpRequestIn = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly string[] SdkPaths = ["/health", "/dashboard", "/alerts", "/events", "/profiling"];

    private static readonly string[] RequiredAttributes =
    [
        "http.request.method",
        "url.path",
        "url.scheme",
        "http.response.status_code",
        "server.address",
        "server.port",
        "network.protocol.version",
    ];

    // The demo's own routes (SceneEndpoints, ChaosEndpoint): a request to one of them was routed, so it has http.route.
    private static readonly string[] RoutedAppPaths = ["/scenes", "/demo/chaos"];

    [Test]
    [CancelAfter(240_000)]
    public async Task ChaosRun_WithDashboardOpenAndSdkEndpointsPolled_ExportsRouteNamedServerSpansForAppRequestsOnly(CancellationToken cancellationToken)
    {
        using var dashboard = await AspireDashboard.StartAsync(cancellationToken);
        var service = "demo-spans-" + Guid.NewGuid().ToString("N")[..8];

        // ChaosSchedule: the first outage starts 10 s after start and lasts 20 s, so a 25 s run is in it from 10 s to the end.
        var (demo, port, _) = DemoProcess.Start(
            "25s",
            new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.GrpcEndpoint.ToString(),
                ["OTEL_SERVICE_NAME"] = service,
            },
            ["--chaos"]);
        using var demoProcess = demo;
        var root = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilListeningAsync(http, root, demo, cancellationToken);
        TestContext.Out.WriteLine($"demo listening on {root} as {service}, chaos on, 25 s");

        await using var browser = await Chromium.LaunchAsync(this.Playwright, cancellationToken);
        var page = await browser.NewPageAsync().WaitAsync(cancellationToken);
        await page.GotoAsync(new Uri(root, "dashboard").ToString()).WaitAsync(cancellationToken);
        await page.WaitForFunctionAsync(
            "() => document.getElementById('connection').textContent === 'live'",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000 }).WaitAsync(cancellationToken);
        TestContext.Out.WriteLine("Chromium: /dashboard open, its stream live");

        // Poll the SDK endpoints while the demo runs: without their exclusion each poll would be a SERVER span.
        var statuses = new Dictionary<string, Dictionary<int, int>>();
        var polls = 0;
        var pageChecks = 0;
        var pageLive = 0;
        while (!demo.HasExited)
        {
            polls++;
            var paths = polls is 6 or 30
                ? new[] { "health/ready", "alerts", "events", "profiling", "dashboard/data" }
                : ["health/ready", "alerts"];
            foreach (var path in paths)
            {
                if (await HttpProbe.TryGetStatusAsync(http, new Uri(root, path), cancellationToken) is { } status)
                {
                    var counts = statuses.TryGetValue(path, out var c) ? c : statuses[path] = [];
                    counts[status] = counts.GetValueOrDefault(status) + 1;
                }
            }

            if (polls % 4 == 0 && !demo.HasExited)
            {
                pageChecks++;
                pageLive += await page.TextContentAsync("#connection").WaitAsync(cancellationToken) == "live" ? 1 : 0;
            }

            await Task.Delay(500, cancellationToken);
        }

        TestContext.Out.WriteLine($"polled {polls} times: {string.Join("; ", statuses.Select(s => $"/{s.Key} " + string.Join(",", s.Value.OrderBy(v => v.Key).Select(v => $"{v.Key}x{v.Value}"))))}");
        TestContext.Out.WriteLine($"Chromium: the dashboard's stream was live in {pageLive} of {pageChecks} checks");
        await page.CloseAsync().WaitAsync(cancellationToken);

        var exited = await demo.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        Assert.That(exited, Is.True, "the demo stops by itself after --duration:\n" + Tail(demo.Output));
        Assert.That(demo.ExitCode, Is.Zero, Tail(demo.Output));

        var spans = await ReadSettledSpansAsync(dashboard, service, cancellationToken);
        var server = spans.Where(s => s.Kind == OtlpSpanKind.Server).ToList();
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        TestContext.Out.WriteLine($"spans: {spans.Count} in all, {server.Count} SERVER; by kind {string.Join(", ", spans.GroupBy(s => OtlpSpanKind.Name(s.Kind)).Select(g => $"{g.Key} {g.Count()}"))}");
        TestContext.Out.WriteLine($"SERVER span names: {string.Join(", ", server.GroupBy(s => s.Name).OrderByDescending(g => g.Count()).Select(g => $"'{g.Key}' x{g.Count()}"))}");
        TestContext.Out.WriteLine($"SERVER spans by url.path (route): {string.Join(", ", server.GroupBy(s => $"{UrlPath(s) ?? "?"} ({s.Attributes.GetValueOrDefault("http.route") ?? "no route"})").OrderByDescending(g => g.Count()).Select(g => $"{g.Key} x{g.Count()}"))}");

        var requestIn = spans.Where(s => s.Name == HttpRequestIn).ToList();

        var missing = server
            .Select(s => (Span: s, Missing: RequiredAttributes.Where(a => !s.Attributes.ContainsKey(a)).ToList()))
            .Where(x => x.Missing.Count > 0)
            .ToList();

        var routeMissing = server
            .Where(s => UrlPath(s) is { } path && RoutedAppPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal)) && !s.Attributes.ContainsKey("http.route"))
            .ToList();

        var misnamed = server.Where(s => s.Name != ExpectedName(s)).ToList();

        var sdk = server.Where(s => UrlPath(s) is { } path && SdkPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal))).ToList();

        // The test's polls and Chromium call only SDK endpoints (and Chromium perhaps /favicon.ico): a SERVER span
        // whose parent is not a CLIENT span of the demo's own load generator came from them, whatever its attributes say.
        var external = server
            .Where(s => !(s.ParentSpanId is { Length: > 0 } parent && byId.TryGetValue(parent, out var p) && p.Kind == OtlpSpanKind.Client))
            .Where(s => UrlPath(s) != "/favicon.ico")
            .ToList();

        var clientErrors = server.Where(s => HttpStatus(s) is >= 400 and < 500 && s.StatusCode == OtlpStatusCode.Error).ToList();
        var unavailable = server.Where(s => HttpStatus(s) == 503).ToList();
        var unavailableWrong = unavailable
            .Where(s => s.StatusCode != OtlpStatusCode.Error || !s.Attributes.ContainsKey("error.type"))
            .ToList();

        var readiness503 = statuses.GetValueOrDefault("health/ready")?.GetValueOrDefault(503) ?? 0;
        TestContext.Out.WriteLine(
            $"figures: {requestIn.Count} named {HttpRequestIn}; {missing.Count} SERVER spans missing attributes; {misnamed.Count} misnamed; "
            + $"{sdk.Count} on SDK paths; {external.Count} not from the load generator; {server.Count(s => HttpStatus(s) is >= 400 and < 500)} 4xx ({clientErrors.Count} with status Error); "
            + $"{unavailable.Count} answered 503 ({unavailableWrong.Count} without status Error and error.type); /health/ready answered 503 {readiness503} times");

        var resources = await AspireDashboard.WaitForAsync(
            () => dashboard.GetResourcesAsync(cancellationToken),
            r => r.Any(x => x.Name == service && x.HasMetrics),
            TimeSpan.FromSeconds(30),
            cancellationToken);
        var resource = resources.FirstOrDefault(r => r.Name == service);
        TestContext.Out.WriteLine($"Aspire resource: {Describe(resource)}");

        Assert.Multiple(() =>
        {
            Assert.That(pageLive, Is.GreaterThan(0), "Chromium kept /dashboard open with a live stream");
            Assert.That(readiness503, Is.GreaterThan(0), "the chaos outage happened during the run (/health/ready answered 503)");
            Assert.That(server.Count, Is.GreaterThan(0), $"the demo exported SERVER spans ({spans.Count} spans in all)");
            Assert.That(requestIn.Select(Short), Is.Empty, $"no span is named {HttpRequestIn}; found {requestIn.Count}: {Examples(requestIn)}");
            Assert.That(missing.Select(m => Short(m.Span)), Is.Empty, $"every SERVER span has {string.Join(", ", RequiredAttributes)}; {missing.Count} of {server.Count} lack some: {Examples(missing.Select(m => (m.Span, "missing " + string.Join(", ", m.Missing))))}");
            Assert.That(routeMissing.Select(Short), Is.Empty, $"a SERVER span of a routed app path has http.route; {routeMissing.Count} have none: {Examples(routeMissing)}");
            Assert.That(misnamed.Select(Short), Is.Empty, $"every SERVER span is named '{{http.request.method}} {{http.route}}' (or just the method without a route); {misnamed.Count} of {server.Count} are not: {Examples(misnamed.Select(s => (s, $"expected '{ExpectedName(s)}'")))}");
            Assert.That(sdk.Select(Short), Is.Empty, $"no SERVER span belongs to an SDK endpoint ({string.Join(", ", SdkPaths)}); found {sdk.Count}: {Examples(sdk)}");
            Assert.That(external.Select(Short), Is.Empty, $"every SERVER span is a load-generator request (the test's polls and Chromium only call SDK endpoints); {external.Count} of {server.Count} have no CLIENT parent in the demo: {Examples(external)}");
            Assert.That(clientErrors.Select(Short), Is.Empty, $"a 4xx SERVER span is not an error; {clientErrors.Count} have status Error: {Examples(clientErrors)}");
            Assert.That(unavailable.Count, Is.GreaterThan(0), $"at least one SERVER span answered 503 during the outage; status codes seen: {string.Join(", ", server.GroupBy(s => s.Attributes.GetValueOrDefault("http.response.status_code") ?? "none").Select(g => $"{g.Key} x{g.Count()}"))}");
            Assert.That(unavailableWrong.Select(Short), Is.Empty, $"every 503 SERVER span has status Error and error.type; {unavailableWrong.Count} of {unavailable.Count} do not: {Examples(unavailableWrong)}");
            Assert.That(resource?.HasMetrics, Is.True, $"Aspire shows metrics for {service}: {Describe(resource)}");
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task ShortRunWithOtlp_AfterExit_TheResourceHasMetrics(CancellationToken cancellationToken)
    {
        using var dashboard = await AspireDashboard.StartAsync(cancellationToken);
        var (demo, _, _, service) = DemoProcess.StartExportingTo(dashboard, "demo-metrics", "5s");
        using var demoProcess = demo;

        var exited = await demo.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        Assert.That(exited, Is.True, "the demo stops by itself after --duration:\n" + Tail(demo.Output));
        Assert.That(demo.ExitCode, Is.Zero, Tail(demo.Output));

        var resources = await AspireDashboard.WaitForAsync(
            () => dashboard.GetResourcesAsync(cancellationToken),
            r => r.Any(x => x.Name == service && x.HasMetrics),
            TimeSpan.FromSeconds(30),
            cancellationToken);
        var resource = resources.FirstOrDefault(r => r.Name == service);
        TestContext.Out.WriteLine($"exit code {demo.ExitCode}; Aspire resource: {Describe(resource)}");

        Assert.That(resource, Is.Not.Null, $"Aspire knows {service}; resources: {string.Join("; ", resources.Select(Describe))}");
        Assert.That(resource!.HasMetrics, Is.True, $"Aspire shows metrics for {service} after a 5 s run: {Describe(resource)}");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task ShortRunWithTheConsoleExporter_PrintsMetrics(CancellationToken cancellationToken)
    {
        var (demo, _, _) = DemoProcess.Start("5s", new Dictionary<string, string>
        {
            ["AccuScene__Exporters__Console__Enabled"] = "true",
        });
        using var demoProcess = demo;

        var exited = await demo.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        Assert.That(exited, Is.True, "the demo stops by itself after --duration:\n" + Tail(demo.Output));

        // OpenTelemetry's ConsoleMetricExporter: "Metric Name: {name}, Description: ..., Metric Type: ...".
        var output = demo.Output;
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var metricLines = lines.Where(l => l.StartsWith("Metric Name: ", StringComparison.Ordinal)).ToList();
        var names = metricLines
            .Select(l => l["Metric Name: ".Length..].Split(',')[0].Trim())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var activities = lines.Count(l => l.StartsWith("Activity.DisplayName:", StringComparison.Ordinal));
        var logRecords = lines.Count(l => l.StartsWith("LogRecord.Timestamp:", StringComparison.Ordinal));
        TestContext.Out.WriteLine($"exit code {demo.ExitCode}; {lines.Length} output lines: {metricLines.Count} 'Metric Name: ' lines ({names.Count} metrics), {activities} activities, {logRecords} log records");
        TestContext.Out.WriteLine($"metrics printed: {string.Join(", ", names)}");

        Assert.That(demo.ExitCode, Is.Zero, Tail(output));
        Assert.That(metricLines, Is.Not.Empty, $"the console exporter prints metrics ('Metric Name: ' lines); it printed {activities} activities and {logRecords} log records but no metric");
    }

    private static async Task WaitUntilListeningAsync(HttpClient http, Uri root, ServerProcess demo, CancellationToken token)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (await HttpProbe.TryGetStatusAsync(http, new Uri(root, "health/live"), token) != 200)
        {
            Assert.That(demo.HasExited, Is.False, "the demo is running:\n" + Tail(demo.Output));
            Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "the demo listens within 60 s:\n" + Tail(demo.Output));
            await Task.Delay(250, token);
        }
    }

    /// <summary>Reads the spans until two reads a second apart agree (the export at shutdown has all arrived).</summary>
    private static async Task<List<OtlpSpan>> ReadSettledSpansAsync(AspireDashboard dashboard, string service, CancellationToken token)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        var last = await dashboard.GetSpansFromSpansApiAsync(service, token);
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(1_000, token);
            var next = await dashboard.GetSpansFromSpansApiAsync(service, token);
            if (next.Count > 0 && next.Count == last.Count)
            {
                return next;
            }

            last = next;
        }

        return last;
    }

    private static string? UrlPath(OtlpSpan span) =>
        span.Attributes.GetValueOrDefault("url.path")
        ?? span.Attributes.GetValueOrDefault("http.route")
        ?? (span.Name.Split(' ', 2) is [_, var route] ? route : null);

    private static int? HttpStatus(OtlpSpan span) =>
        int.TryParse(span.Attributes.GetValueOrDefault("http.response.status_code"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;

    private static string ExpectedName(OtlpSpan span)
    {
        var method = span.Attributes.GetValueOrDefault("http.request.method") ?? "<no http.request.method>";
        return span.Attributes.GetValueOrDefault("http.route") is { Length: > 0 } route ? $"{method} {route}" : method;
    }

    /// <summary>One line per span for a constraint's "But was": name, url.path, status code and span status.</summary>
    private static string Short(OtlpSpan span) =>
        $"'{span.Name}' {UrlPath(span) ?? "-"} {span.Attributes.GetValueOrDefault("http.response.status_code") ?? "-"} {OtlpStatusCode.Name(span.StatusCode)}";

    private static string Examples(IEnumerable<OtlpSpan> spans) => Examples(spans.Select(s => (s, string.Empty)));

    /// <summary>Up to eight spans, each with its name, url.path, status code, status and attributes.</summary>
    private static string Examples(IEnumerable<(OtlpSpan Span, string Note)> spans)
    {
        var text = new StringBuilder();
        foreach (var (span, note) in spans.Take(8))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  '{span.Name}' [{OtlpSpanKind.Name(span.Kind)}, status {OtlpStatusCode.Name(span.StatusCode)}] ");
            if (note.Length > 0)
            {
                text.Append(note).Append("; ");
            }

            text.Append('{').AppendJoin(", ", span.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")).Append('}');
        }

        return text.ToString();
    }

    private static string Describe(OtlpResource? resource) =>
        resource is null ? "not listed" : $"{resource.Name}: hasTraces={resource.HasTraces}, hasLogs={resource.HasLogs}, hasMetrics={resource.HasMetrics}";

    private static string Tail(string output) => output.Length <= 4_000 ? output : "...\n" + output[^4_000..];
}
