using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// An app that binds the options to a section of its own (<c>AddAccuScene(configuration.GetSection("Telemetry"))</c>)
/// is told the keys it can set: the endpoints' refusals, and a probe's note on the checks it withholds, name them under
/// that section, not under <c>AccuScene</c>.
/// </summary>
[NonParallelizable]
public class EndpointMessageSectionTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task Refusals_NameTheKeys_UnderTheSectionTheOptionsAreBoundTo(CancellationToken cancellationToken)
    {
        var tokens = await SendAsync("Endpoints:RequireTokens", "true", [(HttpMethod.Get, "/events"), (HttpMethod.Post, "/alerts/unknown/ack"), (HttpMethod.Get, "/health/live")], cancellationToken);
        var dashboard = await SendAsync("Dashboard:Enabled", "false", [(HttpMethod.Get, "/dashboard/data")], cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(tokens[0].Status, Is.EqualTo(403));
            Assert.That(tokens[0].Body, Does.Contain("Telemetry:Endpoints:RequireTokens is on").And.Contain("needs Telemetry:Endpoints:ReadToken to be set"));
            Assert.That(tokens[1].Status, Is.EqualTo(403));
            Assert.That(tokens[1].Body, Does.Contain("needs Telemetry:Alerts:AcknowledgeToken to be set"));
            Assert.That(tokens[2].Status, Is.EqualTo(200));
            Assert.That(tokens[2].Body, Does.Contain("Authorization: Bearer <Telemetry:Endpoints:ReadToken>"), "the probe's note on the checks it does not list");
            Assert.That(dashboard[0], Is.EqualTo((404, "No dashboard is registered: call services.AddAccuScene() with Telemetry:Dashboard:Enabled true.")));
            Assert.That(string.Concat(tokens.Concat(dashboard).Select(r => r.Body)), Does.Not.Contain("AccuScene:"));
        });
    }

    private static async Task<List<(int Status, string Body)>> SendAsync(string key, string value, (HttpMethod Method, string Path)[] requests, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:" + key] = value });
        builder.Services.AddAccuScene(builder.Configuration.GetSection("Telemetry"));
        builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
        await using var app = builder.Build();
        app.MapAccuSceneEvents();
        app.MapAccuSceneAlerts();
        app.MapAccuSceneDashboard();
        app.MapAccuSceneHealth();
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var answers = new List<(int Status, string Body)>();
        foreach (var (method, path) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await http.SendAsync(request, cancellationToken);
            answers.Add(((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)));
        }

        await app.StopAsync(cancellationToken);
        return answers;
    }
}
