using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Microsoft.Playwright.NUnit;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.IntegrationTests.Dashboard;

/// <summary>
/// R6 in a real headless Chromium, against a web app on loopback: a metric label, an event message and an
/// alert annotation that carry markup are shown as text and never run; the acknowledge button acknowledges
/// the alert, as <c>/alerts</c> then shows; an acknowledgement from another origin is refused.
/// </summary>
[NonParallelizable]
public class DashboardPageSecurityTests : PlaywrightTest
{
    private const string Label = "<script>window.__xss='script'</script><img src=x onerror=\"window.__xss='img'\">";
    private WebApplication _app = null!;
    private Meter _meter = null!;
    private Uri _base = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene(o =>
        {
            o.Service.Name = "dashboard-security";
            o.Exporters.Console.Enabled = false;
            o.Alerts.EvaluationIntervalMilliseconds = 500;
            o.Alerts.Rules.Add(new AlertRule
            {
                Name = "LevelHigh",
                Metric = "accuscene.tests.ui.level",
                Threshold = 1,
                Severity = AlertSeverity.High,
                Annotations = { ["summary"] = "<img src=x onerror=\"window.__xss='alert'\"> level {value}" },
            });
            o.Dashboard.SampleIntervalMilliseconds = 500;
            var table = new DashboardWidget { Title = "Frames by scene", Type = DashboardWidgetType.Table, GroupBy = "scene" };
            table.Series.Add(new DashboardSeries { Metric = "accuscene.tests.ui.frames", Stat = DashboardStat.Value, Label = "frames" });
            var chart = new DashboardWidget { Title = "Level", Type = DashboardWidgetType.Line };
            chart.Series.Add(new DashboardSeries { Metric = "accuscene.tests.ui.level" });
            o.Dashboard.Widgets.AddRange([table, chart, new DashboardWidget { Title = "Alerts", Type = DashboardWidgetType.Alerts }, new DashboardWidget { Title = "Events", Type = DashboardWidgetType.Events }]);
        });
        _app = builder.Build();
        _app.MapAccuSceneDashboard();
        _app.MapAccuSceneAlerts();
        await _app.StartAsync();
        _ = _app.Services.GetRequiredService<MeterProvider>();
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/");

        _meter = new Meter("AccuScene.Tests.Ui");
        _meter.CreateCounter<long>("accuscene.tests.ui.frames").Add(42, new KeyValuePair<string, object?>("scene", Label));
        _meter.CreateObservableGauge("accuscene.tests.ui.level", () => 5.0);
        _app.Services.GetRequiredService<AccuSceneEventStore>().Add(new AccuSceneEvent(
            0, DateTimeOffset.UnixEpoch, AccuSceneEventSeverity.Error, "security", "security.probe", Label, new Dictionary<string, object?>(), null, null));
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        _meter?.Dispose();
        await _app.DisposeAsync();
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MarkupInALabelAnEventAndAnAlert_IsShownAsText_AndNeverRuns(CancellationToken cancellationToken)
    {
        await using var browser = await Chromium.LaunchAsync(this.Playwright, cancellationToken);
        var page = await browser.NewPageAsync().WaitAsync(cancellationToken);
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            dialogs++;
            _ = d.DismissAsync();
        };

        // Playwright takes no token: the waits are bounded by their own timeouts and, through WaitAsync, by the test's token.
        await page.GotoAsync(new Uri(_base, "dashboard").ToString()).WaitAsync(cancellationToken);
        await page.WaitForSelectorAsync("td.label", new PageWaitForSelectorOptions { Timeout = 15_000 }).WaitAsync(cancellationToken);
        await page.WaitForSelectorAsync("tr[data-alert-id]", new PageWaitForSelectorOptions { Timeout = 15_000 }).WaitAsync(cancellationToken);
        var label = await page.TextContentAsync("td.label").WaitAsync(cancellationToken);
        var texts = await page.EvalOnSelectorAllAsync<string[]>("table.events td, table.alerts td", "cells => cells.map(c => c.textContent)").WaitAsync(cancellationToken);
        var xss = await page.EvaluateAsync<string?>("() => window.__xss === undefined ? null : String(window.__xss)").WaitAsync(cancellationToken);
        var images = await page.Locator("img").CountAsync().WaitAsync(cancellationToken);
        var scripts = await page.Locator("script").CountAsync().WaitAsync(cancellationToken);
        await Chromium.ScreenshotAsync(page, "dashboard-xss", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(label, Is.EqualTo(Label), "the label is text, character for character");
            Assert.That(texts, Does.Contain(Label), "the event message too");
            Assert.That(texts.Any(t => t.StartsWith("<img src=x onerror=", StringComparison.Ordinal)), Is.True, "and the alert summary");
            Assert.That(xss, Is.Null, "no injected script or handler ran");
            Assert.That(dialogs, Is.Zero);
            Assert.That(images, Is.Zero, "no element was created from the markup");
            Assert.That(scripts, Is.EqualTo(1), "only the dashboard's own script");
            Assert.That(texts, Has.Some.Match(@"^19(70-01-01|69-12-31) \d\d:\d\d:\d\d$"), "an event of another day shows its date (the probe event is dated 1970)");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task TheAcknowledgeButton_AcknowledgesTheAlert(CancellationToken cancellationToken)
    {
        await using var browser = await Chromium.LaunchAsync(this.Playwright, cancellationToken);
        var page = await browser.NewPageAsync().WaitAsync(cancellationToken);
        await page.GotoAsync(new Uri(_base, "dashboard").ToString()).WaitAsync(cancellationToken);
        var button = page.Locator("tr[data-alert-id] button.ack").First;
        await button.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 }).WaitAsync(cancellationToken);
        var id = await page.Locator("tr[data-alert-id]").First.GetAttributeAsync("data-alert-id").WaitAsync(cancellationToken);

        await button.ClickAsync().WaitAsync(cancellationToken);
        await page.WaitForFunctionAsync("() => document.querySelector('tr[data-alert-id] button.ack').textContent === 'acknowledged'", null, new PageWaitForFunctionOptions { Timeout = 5_000 }).WaitAsync(cancellationToken);

        using var http = new HttpClient();
        using var alerts = JsonDocument.Parse(await http.GetStringAsync(new Uri(_base, "alerts"), cancellationToken));
        var alert = alerts.RootElement.GetProperty("active").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.That(alert.GetProperty("acknowledgement").GetProperty("by").GetString(), Is.EqualTo("dashboard"), "/alerts shows the acknowledgement");
    }

    [TestCase("dashboard/alerts/any/ack")]
    [TestCase("alerts/any/ack")]
    [CancelAfter(180_000)]
    public async Task AnAcknowledgementFromAnotherOrigin_IsRefused(string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, path));
        request.Headers.Add("Origin", "http://attacker.example");
        using var response = await http.SendAsync(request, cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await response.Content.ReadAsStringAsync(cancellationToken));
    }

    [TestCase("dashboard")]
    [TestCase("dashboard/data")]
    [TestCase("dashboard/stream")]
    [CancelAfter(180_000)]
    public async Task ALoopbackDashboard_RefusesAHostThatIsNotLoopback(string path, CancellationToken cancellationToken)
    {
        // DNS rebinding: a hostile name resolved to 127.0.0.1 arrives with its own Host header.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, path));
        request.Headers.Host = "rebound.attacker.example";
        using var response = await http.SendAsync(request, cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'self'"));
    }
}
