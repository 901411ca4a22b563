using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// <c>/events</c> and <c>/profiling</c> follow the dashboard's rules on a loopback server (#18): another
/// origin's page and a rebinding Host are refused, a local tool is answered.
/// </summary>
[NonParallelizable]
public class DiagnosticsEndpointGuardTests
{
    [TestCase("/events")]
    [TestCase("/profiling")]
    [CancelAfter(30_000)]
    public async Task LoopbackServer_RefusesOtherOriginsAndRebindingHosts(string path, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene();
        await using var app = builder.Build();
        app.MapAccuSceneEvents();
        app.MapAccuSceneProfiling();
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        async Task<int> Get(string? host, string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (host is not null)
            {
                request.Headers.Host = host;
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }

        var local = await Get(host: null, origin: null);
        var sameOrigin = await Get(host: null, origin: app.Urls.First());
        var otherOrigin = await Get(host: null, origin: "http://attacker.example");
        var rebinding = await Get(host: "attacker.example", origin: null);

        // A proxy that forwards the default port in Host ("$host:$server_port") serves a page whose Origin names none.
        var defaultPortInHost = await Get(host: "localhost:443", origin: "https://localhost");
        var otherPortInHost = await Get(host: "localhost:8443", origin: "https://localhost");
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(local, Is.EqualTo(200), "a local tool");
            Assert.That(sameOrigin, Is.EqualTo(200), "the server's own page");
            Assert.That(otherOrigin, Is.EqualTo(403), "another origin's page");
            Assert.That(rebinding, Is.EqualTo(403), "a non-loopback Host on a loopback-only server");
            Assert.That(defaultPortInHost, Is.EqualTo(200), "Host localhost:443 is the origin https://localhost");
            Assert.That(otherPortInHost, Is.EqualTo(403), "Host localhost:8443 is another origin than https://localhost");
        });
    }

    /// <summary>
    /// Beyond loopback, <c>/events</c> and <c>/profiling</c> need the read token (#18, build point 4). The test
    /// server reports no loopback address, so the endpoints treat it as a server that listens beyond loopback.
    /// </summary>
    [TestCase("/events")]
    [TestCase("/profiling")]
    [CancelAfter(30_000)]
    public async Task BeyondLoopback_TheReadTokenIsRequired(string path, CancellationToken cancellationToken)
    {
        async Task<(int Status, string Body)> Get(string? configuredToken, string? bearer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Services.AddAccuScene(o => o.Endpoints.ReadToken = configuredToken);
            await using var app = builder.Build();
            app.MapAccuSceneEvents();
            app.MapAccuSceneProfiling();
            await app.StartAsync(cancellationToken);
            using var http = app.GetTestClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (bearer is not null)
            {
                request.Headers.Authorization = new("Bearer", bearer);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            await app.StopAsync(cancellationToken);
            return ((int)response.StatusCode, body);
        }

        var unconfigured = await Get(configuredToken: null, bearer: null);
        var missing = await Get(configuredToken: "s3cret", bearer: null);
        var wrong = await Get(configuredToken: "s3cret", bearer: "guess");
        var right = await Get(configuredToken: "s3cret", bearer: "s3cret");

        Assert.Multiple(() =>
        {
            Assert.That(unconfigured.Status, Is.EqualTo(403));
            Assert.That(unconfigured.Body, Does.Contain("AccuScene:Endpoints:ReadToken"));
            Assert.That(missing.Status, Is.EqualTo(401));
            Assert.That(wrong.Status, Is.EqualTo(401));
            Assert.That(right.Status, Is.EqualTo(200));
        });
    }
}
