using System.Text.Json;
using AccuScene.Otel.Instrumentation.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// The dashboard's model carries the newest events, whose messages may hold anything an app logs. Beyond loopback
/// it serves them only as <c>/events</c> does, to a request that presents <c>AccuScene:Endpoints:ReadToken</c>;
/// the rest of the model is served as before. The test server reports no loopback address, so it counts as a
/// server that listens beyond loopback.
/// </summary>
[NonParallelizable]
public class DashboardEventsGuardTests
{
    private const string Secret = "connection string password=hunter2";

    [Test]
    [CancelAfter(30_000)]
    public async Task BeyondLoopback_TheModelAndTheStream_WithholdEventsWithoutTheReadToken(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAccuScene(o => o.Endpoints.ReadToken = "s3cret");
        await using var app = builder.Build();
        app.MapAccuSceneDashboard();
        await app.StartAsync(cancellationToken);
        app.Services.GetRequiredService<ILogger<DashboardEventsGuardTests>>()
            .RecordEvent(AccuSceneEventCategory.Database, AccuSceneEventSeverity.Error, "db.failed", Secret);
        using var http = app.GetTestClient();

        var anonymous = await ReadEventsAsync(http, "/dashboard/data", bearer: null, cancellationToken);
        var wrong = await ReadEventsAsync(http, "/dashboard/data", bearer: "guess", cancellationToken);
        var right = await ReadEventsAsync(http, "/dashboard/data", bearer: "s3cret", cancellationToken);
        var stream = await ReadStreamEventsAsync(http, cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.Withheld, Is.True);
            Assert.That(anonymous.Json, Does.Not.Contain("hunter2"));
            Assert.That(wrong.Withheld, Is.True);
            Assert.That(wrong.Json, Does.Not.Contain("hunter2"));
            Assert.That(right.Withheld, Is.False);
            Assert.That(right.Json, Does.Contain("hunter2"), "the read token shows the events");
            Assert.That(stream.Withheld, Is.True, "the page's stream cannot send a header, so beyond loopback it has no events");
            Assert.That(stream.Json, Does.Not.Contain("hunter2"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task OnLoopback_TheModelShowsTheEvents(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene();
        await using var app = builder.Build();
        app.MapAccuSceneDashboard();
        await app.StartAsync(cancellationToken);
        app.Services.GetRequiredService<ILogger<DashboardEventsGuardTests>>()
            .RecordEvent(AccuSceneEventCategory.Database, AccuSceneEventSeverity.Error, "db.failed", Secret);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var local = await ReadEventsAsync(http, "/dashboard/data", bearer: null, cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.That(local.Withheld, Is.False);
        Assert.That(local.Json, Does.Contain("hunter2"));
    }

    private static async Task<(bool Withheld, string Json)> ReadEventsAsync(HttpClient http, string path, string? bearer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), "the rest of the model is served either way");
        return Events(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static async Task<(bool Withheld, string Json)> ReadStreamEventsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/dashboard/stream", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return Events(line["data: ".Length..]);
            }
        }

        throw new AssertionException("The stream ended before its first update.");
    }

    private static (bool Withheld, string Json) Events(string model)
    {
        using var document = JsonDocument.Parse(model);
        var events = document.RootElement.GetProperty("sections").GetProperty("events");
        return (events.TryGetProperty("withheld", out var withheld) && withheld.GetBoolean(), events.GetRawText());
    }
    [TestCase("/dashboard")]
    [TestCase("/dashboard/data")]
    [TestCase("/dashboard/stream")]
    [CancelAfter(30_000)]
    public async Task ADashboardSwitchedOff_Answers404SayingSo_NotAnEmptyLivePage(string path, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAccuScene(o => o.Dashboard.Enabled = false);
        await using var app = builder.Build();
        app.MapAccuSceneDashboard();
        await app.StartAsync(cancellationToken);
        using var http = app.GetTestClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.That(((int)response.StatusCode, body), Is.EqualTo((404, "No dashboard is registered: call services.AddAccuScene() with AccuScene:Dashboard:Enabled true.")));
    }
}
