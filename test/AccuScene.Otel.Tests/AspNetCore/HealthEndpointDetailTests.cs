using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// The probes answer their status code to anyone (a kubelet has no token), but list the checks, whose
/// descriptions hold exception messages and addresses, only where <c>/events</c> would be readable.
/// </summary>
[NonParallelizable]
public class HealthEndpointDetailTests
{
    private const string Secret = "connect to 10.0.3.7:5432 failed";

    [Test]
    [CancelAfter(30_000)]
    public async Task BeyondLoopback_TheProbeGivesItsStatus_AndTheChecksOnlyWithTheReadToken(CancellationToken cancellationToken)
    {
        // The test server reports no loopback address: the endpoints treat it as one listening beyond loopback.
        await using var app = await StartAsync(b => b.WebHost.UseTestServer(), "s3cret", cancellationToken);
        using var http = app.GetTestClient();
        await WaitForFirstRun(http, cancellationToken);

        var anonymous = await Get(http, bearer: null, cancellationToken);
        var withToken = await Get(http, bearer: "s3cret", cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.Status, Is.EqualTo(503), "the code is the probe's answer, token or not");
            Assert.That(anonymous.Body, Does.Not.Contain(Secret));
            Assert.That(anonymous.Json.GetProperty("status").GetString(), Is.EqualTo("Unhealthy"));
            Assert.That(anonymous.Json.GetProperty("hidden").GetString(), Does.Contain("AccuScene:Endpoints:ReadToken"));
            Assert.That(withToken.Status, Is.EqualTo(503));
            Assert.That(withToken.Json.GetProperty("checks")[0].GetProperty("description").GetString(), Is.EqualTo(Secret));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task OnLoopback_ALocalToolSeesTheChecks_AndARebindingHostOnlyTheStatus(CancellationToken cancellationToken)
    {
        await using var app = await StartAsync(b => b.WebHost.UseUrls("http://127.0.0.1:0"), readToken: null, cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        await WaitForFirstRun(http, cancellationToken);

        var local = await Get(http, bearer: null, cancellationToken);
        var rebinding = await Get(http, bearer: null, cancellationToken, host: "attacker.example");
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(local.Json.GetProperty("checks")[0].GetProperty("description").GetString(), Is.EqualTo(Secret));
            Assert.That((rebinding.Status, rebinding.Body.Contains(Secret, StringComparison.Ordinal)), Is.EqualTo((503, false)));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task TheDashboard_WithholdsTheDescriptionsTheProbesWithhold(CancellationToken cancellationToken)
    {
        await using var app = await StartAsync(b => b.WebHost.UseTestServer(), "s3cret", cancellationToken, dashboard: true);
        using var http = app.GetTestClient();
        await WaitForFirstRun(http, cancellationToken);

        async Task<string> Data(string? bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/data");
            if (bearer is not null)
            {
                request.Headers.Authorization = new("Bearer", bearer);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }

        var anonymous = await Data(bearer: null);
        var withToken = await Data("s3cret");
        await app.StopAsync(cancellationToken);

        using var json = JsonDocument.Parse(anonymous);
        var check = json.RootElement.GetProperty("sections").GetProperty("health").GetProperty("checks")[0];
        Assert.Multiple(() =>
        {
            Assert.That(anonymous, Does.Not.Contain(Secret));
            Assert.That((check.GetProperty("name").GetString(), check.GetProperty("status").GetString()), Is.EqualTo(("db", "unhealthy")), "names and statuses stay");
            Assert.That(withToken, Does.Contain(Secret));
        });
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplicationBuilder> server, string? readToken, CancellationToken cancellationToken, bool dashboard = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        server(builder);
        builder.Services.AddAccuScene(o => o.Endpoints.ReadToken = readToken);
        builder.Services.AddHealthChecks()
            .AddCheck("db", () => HealthCheckResult.Unhealthy(Secret))
            .AddAccuSceneScheduling();
        var app = builder.Build();
        app.MapAccuSceneHealth();
        if (dashboard)
        {
            app.MapAccuSceneDashboard();
        }

        await app.StartAsync(cancellationToken);
        return app;
    }

    private static async Task WaitForFirstRun(HttpClient http, CancellationToken cancellationToken)
    {
        // The scheduler runs each check once at start; until then the check is pending.
        while (!(await Get(http, "s3cret", cancellationToken)).Body.Contains(Secret, StringComparison.Ordinal))
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    private static async Task<(int Status, string Body, JsonElement Json)> Get(HttpClient http, string? bearer, CancellationToken cancellationToken, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return ((int)response.StatusCode, body, JsonDocument.Parse(body).RootElement.Clone());
    }
}
