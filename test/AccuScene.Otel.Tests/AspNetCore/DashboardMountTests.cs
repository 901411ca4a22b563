using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>The page finds its script, data and stream where it was mounted: under a path base and inside a route group.</summary>
[NonParallelizable]
public class DashboardMountTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task InARouteGroupUnderAPathBase_ThePagesLinksPointUnderBoth(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene();
        await using var app = builder.Build();
        app.UsePathBase("/app");
        app.UseRouting();
        app.MapGroup("/ops").MapAccuSceneDashboard();
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var page = await http.GetStringAsync(new Uri("/app/ops/dashboard", UriKind.Relative), cancellationToken);
        using var script = await http.GetAsync(new Uri("/app/ops/dashboard/dashboard.js", UriKind.Relative), cancellationToken);
        using var data = await http.GetAsync(new Uri("/app/ops/dashboard/data", UriKind.Relative), cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            // Before, the page pointed at /app/dashboard: the group's prefix was left out, and every request 404ed.
            Assert.That(page, Does.Contain("data-base=\"/app/ops/dashboard\"").And.Contain("src=\"/app/ops/dashboard/dashboard.js\""));
            Assert.That((script.IsSuccessStatusCode, data.IsSuccessStatusCode), Is.EqualTo((true, true)));
        });
    }
}
