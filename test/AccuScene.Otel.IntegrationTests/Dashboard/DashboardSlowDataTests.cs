using System.Diagnostics.Metrics;
using AccuScene.Otel.Dashboard;
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
/// In a real Chromium: when <c>/dashboard/data</c> answers slower than a sample (a slow link, a big model), the
/// page draws the live updates on the history it has instead of reloading it at every update; when its first answer
/// fails while the stream works, the page loads again instead of staying blank.
/// </summary>
[NonParallelizable]
public class DashboardSlowDataTests : PlaywrightTest
{
    [Test]
    [CancelAfter(60_000)]
    public async Task ASlowDataAnswer_DoesNotMakeThePageReloadAtEveryUpdate(CancellationToken cancellationToken)
    {
        await using var session = await this.StartAsync(cancellationToken);
        var (app, page, root) = (session.App, session.Page, session.Root);
        var requests = 0;
        await page.RouteAsync("**/dashboard/data*", async route =>
        {
            // The server answers at once; the answer reaches the page 1.2 s (more than two samples) later.
            Interlocked.Increment(ref requests);
            var response = await route.FetchAsync().WaitAsync(cancellationToken);
            await Task.Delay(1200, cancellationToken);
            await route.FulfillAsync(new RouteFulfillOptions { Response = response }).WaitAsync(cancellationToken);
        }).WaitAsync(cancellationToken);

        await page.GotoAsync(new Uri(root, "dashboard").ToString()).WaitAsync(cancellationToken);
        await page.WaitForSelectorAsync("#connection.badge-ok", new PageWaitForSelectorOptions { Timeout = 15_000 }).WaitAsync(cancellationToken);
        await Task.Delay(8000, cancellationToken); // sixteen samples
        var samples = await page.EvaluateAsync<int>("() => document.querySelectorAll('svg').length").WaitAsync(cancellationToken);
        await Chromium.ScreenshotAsync(page, "dashboard-slow-data", cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Volatile.Read(ref requests), Is.LessThanOrEqualTo(2), "the first load, and at most one after a long gap; not one per update");
            Assert.That(samples, Is.GreaterThan(0), "the chart is drawn");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AFailedFirstLoad_WhileTheStreamWorks_IsLoadedAgain(CancellationToken cancellationToken)
    {
        await using var session = await this.StartAsync(cancellationToken);
        var (app, page, root) = (session.App, session.Page, session.Root);
        var requests = 0;
        await page.RouteAsync("**/dashboard/data*", async route =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                await route.FulfillAsync(new RouteFulfillOptions { Status = 500, Body = "down for a moment" }).WaitAsync(cancellationToken);
                return;
            }

            await route.ContinueAsync().WaitAsync(cancellationToken);
        }).WaitAsync(cancellationToken);

        await page.GotoAsync(new Uri(root, "dashboard").ToString()).WaitAsync(cancellationToken);
        await page.WaitForSelectorAsync("#connection.badge-ok", new PageWaitForSelectorOptions { Timeout = 15_000 }).WaitAsync(cancellationToken);
        await page.WaitForSelectorAsync("svg", new PageWaitForSelectorOptions { Timeout = 15_000 }).WaitAsync(cancellationToken);
        var message = await page.EvaluateAsync<string>("() => document.getElementById('message').textContent").WaitAsync(cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Volatile.Read(ref requests), Is.GreaterThanOrEqualTo(2), "loaded again after the failed first answer");
            Assert.That(message, Is.Empty, "the failure's message goes once a load succeeds");
        });
    }

    // The app with a dashboard charting one gauge, sampled every 500 ms, the gauge's meter, and a Chromium page.
    private async Task<Session> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene(o =>
        {
            o.Exporters.Console.Enabled = false;
            o.Dashboard.SampleIntervalMilliseconds = 500;
            o.Dashboard.StreamIntervalMilliseconds = 500;
            var chart = new DashboardWidget { Title = "Level", Type = DashboardWidgetType.Line };
            chart.Series.Add(new DashboardSeries { Metric = "accuscene.tests.slow.level" });
            o.Dashboard.Widgets.Add(chart);
        });
        var app = builder.Build();
        app.MapAccuSceneDashboard();
        await app.StartAsync(cancellationToken);
        _ = app.Services.GetRequiredService<MeterProvider>();
        var meter = new Meter("AccuScene.Tests.Slow");
        meter.CreateObservableGauge("accuscene.tests.slow.level", () => 5.0);
        var root = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/");
        var browser = await Chromium.LaunchAsync(this.Playwright, cancellationToken);
        return new Session(app, meter, browser, await browser.NewPageAsync().WaitAsync(cancellationToken), root);
    }

    private sealed record Session(WebApplication App, Meter Meter, IBrowser Browser, IPage Page, Uri Root) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await this.Browser.DisposeAsync();
            this.Meter.Dispose();
            await this.App.DisposeAsync();
        }
    }
}
