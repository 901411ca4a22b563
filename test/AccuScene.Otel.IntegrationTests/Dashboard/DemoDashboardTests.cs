using System.Diagnostics;
using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Microsoft.Playwright.NUnit;

namespace AccuScene.Otel.IntegrationTests.Dashboard;

/// <summary>
/// The demo's dashboard: security headers, the JSON model's sections, the Server-Sent Events stream, and the
/// page in a real headless Chromium, which must draw at least three charts with data and update through the stream.
/// </summary>
[NonParallelizable]
public partial class DemoDashboardTests : PlaywrightTest
{
    private ServerProcess? _demo;
    private Uri _base = null!;
    private HttpClient _http = null!;

    // The units each default chart's axis may show, once its values are scaled to the one that reads best.
    private static readonly Dictionary<string, string[]> AxisUnits = new()
    {
        ["Solver steps per second"] = ["steps/s", "k steps/s", "M steps/s", "G steps/s"],
        ["Step time"] = ["ns", "µs", "ms", "s"],
        ["API latency"] = ["ns", "µs", "ms", "s"],
        ["API request rate"] = ["req/s", "k req/s"],
        ["Database latency"] = ["ns", "µs", "ms", "s"],
        ["Cache hit ratio"] = ["%"],
        ["CPU"] = ["%"],
        ["Memory"] = ["B", "KiB", "MiB", "GiB"],
    };

    private List<IBrowser> Browsers { get; } = [];

    [OneTimeSetUp]
    public async Task StartDemo()
    {
        var (demo, port, _) = DemoProcess.Start(
            "150s",
            new Dictionary<string, string> { ["AccuScene__Dashboard__TraceUrlTemplate"] = "http://127.0.0.1:18888/traces/detail/{trace_id}" });
        _demo = demo;
        _base = new Uri($"http://127.0.0.1:{port}/");
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(_base, "dashboard/data"), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (!demo.HasExited && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
            {
                // Not listening yet.
            }

            Assert.That(demo.HasExited, Is.False, "the demo is running");
            await Task.Delay(250, timeout.Token);
        }
    }

    [TearDown]
    public async Task CloseBrowsers()
    {
        foreach (var browser in this.Browsers)
        {
            await browser.DisposeAsync();
        }

        this.Browsers.Clear();
    }

    [OneTimeTearDown]
    public void StopDemo()
    {
        _http?.Dispose();
        _demo?.Dispose();
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task ThePage_HasItsSecurityHeaders_AndReferencesOnlyItsOwnOrigin(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(_base, "dashboard"), cancellationToken);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(AccuSceneDashboardEndpointRouteBuilderExtensions.ContentSecurityPolicy));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
        Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://").And.Not.Contain("//cdn"), "no absolute URL: scripts and styles come from this origin");
        Assert.That(html, Does.Not.Match("<script>|\\son[a-z]+="), "no inline script and no inline event handler");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task TheModel_HasTheSimulationDatabaseCacheApiAndSystemSections(CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri(_base, "dashboard/data"), cancellationToken));
        var sections = document.RootElement.GetProperty("sections");

        foreach (var name in new[] { "simulation", "database", "cache", "api", "system" })
        {
            Assert.That(sections.GetProperty(name).GetProperty("metrics").GetArrayLength(), Is.GreaterThan(0), name);
        }

        Assert.That(document.RootElement.GetProperty("schema").GetString(), Is.EqualTo("accuscene.dashboard/v1"));
        TestContext.Out.WriteLine($"sections: {string.Join(", ", sections.EnumerateObject().Select(s => s.Name + (s.Value.TryGetProperty("metrics", out var m) ? "=" + m.GetArrayLength() : string.Empty)))}");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task TheStream_SendsAtLeastTwoUpdatesInSixSeconds(CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancel.CancelAfter(TimeSpan.FromSeconds(6));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, "dashboard/stream"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/event-stream"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var messages = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(cancel.Token) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    messages.Add(line);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Six seconds are up.
        }

        Assert.That(messages, Has.Count.GreaterThanOrEqualTo(2));
        var samples = messages.Select(m => JsonDocument.Parse(m["data: ".Length..]).RootElement.GetProperty("sample").GetInt64()).ToList();
        Assert.That(samples, Is.Ordered, "each update is a newer (or the same) sample");
        Assert.That(samples[^1], Is.GreaterThan(samples[0]), "the model moved on");
        TestContext.Out.WriteLine($"stream: {messages.Count} data messages in 6 s, samples {string.Join(",", samples)}");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Chromium_DrawsChartsWithData_AndUpdatesThemThroughTheStream(CancellationToken cancellationToken)
    {
        await using var browser = await Chromium.LaunchAsync(this.Playwright, cancellationToken);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } }).WaitAsync(cancellationToken);
        var outside = new List<string>();
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(_base.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))
            {
                outside.Add(r.Url);
            }
        };
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        page.PageError += (_, e) => errors.Add(e);

        // Playwright takes no token: the waits are bounded by their own timeouts and, through WaitAsync, by the test's token.
        await page.GotoAsync(new Uri(_base, "dashboard").ToString()).WaitAsync(cancellationToken);
        await page.WaitForFunctionAsync(
            "() => Array.from(document.querySelectorAll('svg.chart')).filter(c => Number(c.getAttribute('data-points')) > 1).length >= 3",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000 }).WaitAsync(cancellationToken);
        var charts = await page.EvalOnSelectorAllAsync<int[]>("svg.chart", "cs => cs.map(c => Number(c.getAttribute('data-points')))").WaitAsync(cancellationToken);
        var paths = await page.Locator("svg.chart path").CountAsync().WaitAsync(cancellationToken);

        var before = await page.TextContentAsync("#updated").WaitAsync(cancellationToken);
        var changed = Stopwatch.StartNew();
        await page.WaitForFunctionAsync("before => document.getElementById('updated').textContent !== before", before, new PageWaitForFunctionOptions { Timeout = 3_000 }).WaitAsync(cancellationToken);
        changed.Stop();
        var after = await page.TextContentAsync("#updated").WaitAsync(cancellationToken);
        var connection = await page.TextContentAsync("#connection").WaitAsync(cancellationToken);
        await Chromium.ScreenshotAsync(page, "dashboard", cancellationToken);

        Assert.That(charts.Count(points => points > 1), Is.GreaterThanOrEqualTo(3), "at least three charts with data points");
        Assert.That(paths, Is.GreaterThanOrEqualTo(3), "each drawn as an SVG path");
        Assert.That(after, Is.Not.EqualTo(before), "the page moved on within 3 s, through the stream");
        Assert.That(connection, Is.EqualTo("live"));
        Assert.That(outside, Is.Empty, "nothing is loaded from outside");
        Assert.That(errors, Is.Empty, "no script errors and no CSP violations");
        TestContext.Out.WriteLine($"charts with data: {charts.Count(p => p > 1)} of {charts.Length} (points {string.Join(",", charts)}); update seen {changed.Elapsed.TotalSeconds:F1} s after load ('{before}' -> '{after}')");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Chromium_ShowsEveryChartsUnitOnItsAxis_WithFourTimeLabelsInLegibleText(CancellationToken cancellationToken)
    {
        var page = await this.OpenAsync(1400, cancellationToken);
        var charts = await page.EvalOnSelectorAllAsync<JsonElement>(
            "svg.chart",
            @"cs => cs.map(c => ({
                title: c.getAttribute('aria-label'),
                unit: c.getAttribute('data-unit'),
                axis: (c.querySelector('.axis-unit') || {}).textContent || '',
                times: c.querySelectorAll('text.time').length,
                ticks: Array.from(c.querySelectorAll('text.tick')).map(t => t.getBoundingClientRect().height),
                drawn: c.getAttribute('width') + ' wide, shown ' + c.getBoundingClientRect().width.toFixed(1) + ' x ' + c.getBoundingClientRect().height.toFixed(1)
                    + ' in a frame ' + (c.parentElement ? c.parentElement.clientWidth : -1) + ' wide, ' + (c.closest('section') ? getComputedStyle(c.closest('section')).display : 'detached'),
            }))").WaitAsync(cancellationToken);
        await Chromium.ScreenshotAsync(page, "dashboard-1400", cancellationToken);

        Assert.That(charts.GetArrayLength(), Is.GreaterThanOrEqualTo(8), "the default layout's charts");
        foreach (var chart in charts.EnumerateArray())
        {
            var title = chart.GetProperty("title").GetString();
            var axis = chart.GetProperty("axis").GetString();
            TestContext.Out.WriteLine($"{title}: axis unit '{axis}', {chart.GetProperty("times").GetInt32()} time labels, smallest tick label {chart.GetProperty("ticks").EnumerateArray().Min(t => t.GetDouble()):F1} px high as drawn (svg {chart.GetProperty("drawn").GetString()})");
            Assert.Multiple(() =>
            {
                Assert.That(axis, Is.Not.Empty.And.EqualTo(chart.GetProperty("unit").GetString()), $"{title}: the axis shows the unit its values are in");
                Assert.That(axis, Is.AnyOf(AxisUnits[title!]), $"{title}: a unit its values can be scaled to");
                Assert.That(chart.GetProperty("times").GetInt32(), Is.GreaterThanOrEqualTo(4), $"{title}: at least four time labels");
                Assert.That(chart.GetProperty("ticks").EnumerateArray().Min(t => t.GetDouble()), Is.GreaterThanOrEqualTo(11), $"{title}: tick labels drawn 11 px high or more (the SVG is not scaled down)");
            });
        }
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Chromium_HoveringAChart_ShowsATooltipWithTimeValueAndUnit(CancellationToken cancellationToken)
    {
        var page = await this.OpenAsync(1400, cancellationToken);
        var chart = page.Locator("svg.chart[aria-label='API request rate']");
        var box = await chart.BoundingBoxAsync().WaitAsync(cancellationToken);
        Assert.That(box, Is.Not.Null);
        await page.Mouse.MoveAsync(box!.X + (box.Width * 0.8f), box.Y + (box.Height / 2)).WaitAsync(cancellationToken);
        var tooltip = page.Locator("#" + await chart.EvaluateAsync<string>("c => c.closest('section').id").WaitAsync(cancellationToken) + " .tooltip");
        await tooltip.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 }).WaitAsync(cancellationToken);
        var text = await tooltip.InnerTextAsync().WaitAsync(cancellationToken);
        var unit = await chart.GetAttributeAsync("data-unit").WaitAsync(cancellationToken);
        TestContext.Out.WriteLine($"tooltip: {text.ReplaceLineEndings(" | ")} (unit {unit})");

        Assert.That(text, Does.Match(@"^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d"), "the time under the pointer (with its date when not today)");
        Assert.That(text, Does.Match(@"requests: \d+(\.\d+)? ?" + System.Text.RegularExpressions.Regex.Escape(unit!)), "the series, its value and its unit");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Chromium_LatencyCharts_LinkTheirLatestP99ExemplarToItsTrace(CancellationToken cancellationToken)
    {
        var page = await this.OpenAsync(1400, cancellationToken);
        var chart = page.Locator("svg.chart[aria-label='API latency']");
        var section = "#" + await chart.EvaluateAsync<string>("c => c.closest('section').id").WaitAsync(cancellationToken);
        var link = page.Locator(section + " .exemplar a");
        await link.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 15_000 }).WaitAsync(cancellationToken);

        // One read of the line, its link and its trace id together: the stream may redraw it between two reads.
        var read = await page.Locator(section + " .exemplar").EvaluateAsync<JsonElement>(
            "e => ({ text: e.innerText, href: e.querySelector('a').getAttribute('href'), rel: e.querySelector('a').getAttribute('rel'), trace: e.getAttribute('data-trace-id') })").WaitAsync(cancellationToken);
        var (line, href, traceId) = (read.GetProperty("text").GetString()!, read.GetProperty("href").GetString(), read.GetProperty("trace").GetString());
        TestContext.Out.WriteLine($"API latency: {line} -> {href}");

        Assert.That(line, Does.Match(@"^p99 exemplar \d+(\.\d+)? ?(µs|ms|s) at (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d: trace [0-9a-f]{32}$"));
        Assert.That(traceId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(href, Is.EqualTo($"http://127.0.0.1:18888/traces/detail/{traceId}"), "the configured template, filled in with this chart's exemplar");
        Assert.That(line, Does.EndWith("trace " + traceId));
        Assert.That(read.GetProperty("rel").GetString(), Does.Contain("noopener"));
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Chromium_TheRouteTable_NamesItsColumnsWithoutTheUnitItsCellsScale(CancellationToken cancellationToken)
    {
        var page = await this.OpenAsync(1400, cancellationToken);
        var section = page.Locator("section.widget-table", new PageLocatorOptions { Has = page.Locator("h2", new PageLocatorOptions { HasText = "API requests by route" }) });
        await section.Locator("td.num").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 }).WaitAsync(cancellationToken);
        var read = await section.EvaluateAsync<JsonElement>(
            "s => ({ head: Array.from(s.querySelectorAll('th')).map(t => t.textContent), cells: Array.from(s.querySelectorAll('tr')).slice(1).map(r => r.lastChild.textContent) })").WaitAsync(cancellationToken);
        var head = read.GetProperty("head").EnumerateArray().Select(h => h.GetString()).ToList();
        var means = read.GetProperty("cells").EnumerateArray().Select(c => c.GetString()).ToList();
        TestContext.Out.WriteLine($"columns: {string.Join(" | ", head)}; means: {string.Join(", ", means)}");

        Assert.That(head, Is.EqualTo(new[] { "http.route", "req/s", "mean" }), "a rate's unit names its column; a time's is in each cell");
        Assert.That(means, Has.All.Match(@"^(–|\d+(\.\d+)? ?(ns|µs|ms|s))$"), "each mean with the unit it reads best in");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Chromium_At420Pixels_NothingOverflowsHorizontally(CancellationToken cancellationToken)
    {
        var page = await this.OpenAsync(420, cancellationToken);
        var overflow = await page.EvaluateAsync<JsonElement>(
            @"() => ({
                page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                widgets: Array.from(document.querySelectorAll('.widget')).filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.id),
            })").WaitAsync(cancellationToken);
        await Chromium.ScreenshotAsync(page, "dashboard-420", cancellationToken);

        Assert.That(overflow.GetProperty("page").GetInt32(), Is.LessThanOrEqualTo(0), "the page is no wider than the screen");
        Assert.That(overflow.GetProperty("widgets").GetArrayLength(), Is.EqualTo(0), $"no widget overflows: {overflow.GetProperty("widgets")}");
    }

    private async Task<IPage> OpenAsync(int width, CancellationToken cancellationToken)
    {
        var browser = await Chromium.LaunchAsync(this.Playwright, cancellationToken);
        this.Browsers.Add(browser);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } }).WaitAsync(cancellationToken);
        await page.GotoAsync(new Uri(_base, "dashboard").ToString()).WaitAsync(cancellationToken);
        await page.WaitForFunctionAsync(
            "() => Array.from(document.querySelectorAll('svg.chart')).filter(c => Number(c.getAttribute('data-points')) > 1).length >= 3",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000 }).WaitAsync(cancellationToken);
        return page;
    }
}
