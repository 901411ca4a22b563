using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>A started web app on a free loopback port with <c>AddAccuScene()</c> and <c>/alerts</c> mapped, and a client for it.</summary>
internal sealed class LoopbackAlertsApp : IAsyncDisposable
{
    private LoopbackAlertsApp(WebApplication app)
    {
        this.App = app;
        this.Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public static async Task<LoopbackAlertsApp> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene();
        var app = builder.Build();
        app.MapAccuSceneAlerts();
        await app.StartAsync(cancellationToken);
        return new LoopbackAlertsApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        this.Http.Dispose();
        await this.App.StopAsync();
        await this.App.DisposeAsync();
    }
}
