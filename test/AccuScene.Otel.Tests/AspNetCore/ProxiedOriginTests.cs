using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// Behind a reverse proxy that rewrites <c>Host</c>, the page's own acknowledgement carries the public origin. On a
/// server that listens beyond loopback (the test server reports no loopback address) the origin check refuses it
/// until the app applies the proxy's <c>X-Forwarded-Host</c>; on a loopback-only server the <c>Host</c> must stay a
/// loopback name, so it is refused either way. docs/dashboard.md says both.
/// </summary>
[NonParallelizable]
public class ProxiedOriginTests
{
    [TestCase(false, false, 403)]
    [TestCase(false, true, 404)]
    [TestCase(true, true, 403)]
    [CancelAfter(30_000)]
    public async Task AnAcknowledgementFromThePublicOrigin_PassesOnceTheForwardedHostIsApplied_BeyondLoopback(bool loopback, bool applyForwardedHost, int expected, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (loopback)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Services.AddAccuScene(o =>
        {
            o.Service.Name = "proxied-origin";
            o.Exporters.Console.Enabled = false;
            o.Alerts.AcknowledgeToken = "s3cret";
        });
        await using var app = builder.Build();
        if (applyForwardedHost)
        {
            // The test server's requests have no remote address to match a known proxy with: trust any sender here.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedHost };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            app.UseForwardedHeaders(forwarded);
        }

        app.MapAccuSceneAlerts();
        await app.StartAsync(cancellationToken);
        using var http = loopback ? new HttpClient { BaseAddress = new Uri(app.Urls.First()) } : app.GetTestClient();

        // What nginx sends with its default Host rewrite: the backend's own Host, the page's public Origin.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/alerts/unknown/ack");
        request.Headers.TryAddWithoutValidation("Origin", "https://ops.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "ops.example");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.That((int)response.StatusCode, Is.EqualTo(expected), body);
    }
}
