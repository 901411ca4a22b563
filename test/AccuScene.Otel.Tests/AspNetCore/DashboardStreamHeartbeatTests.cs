using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// A stream whose updates are further apart than a proxy's idle timeout (often 60 s) sends a comment line between
/// them, so the proxy does not cut it and the page does not reload everything.
/// </summary>
public class DashboardStreamHeartbeatTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task UpdatesAMinuteApart_HaveACommentLineEvery15SecondsBetweenThem(CancellationToken cancellationToken)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddAccuScene(o => o.Dashboard.StreamIntervalMilliseconds = 60_000);
        await using var app = builder.Build();
        app.MapAccuSceneDashboard();
        await app.StartAsync(cancellationToken);
        using var http = app.GetTestClient();
        using var response = await http.GetAsync("/dashboard/stream", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));

        var seen = new List<string> { await NextAsync(reader, cancellationToken) }; // the first update, at once
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(15));
            seen.Add(await NextAsync(reader, cancellationToken));
        }

        await app.StopAsync(cancellationToken);
        Assert.That(seen, Is.EqualTo(new[] { "update", ":", ":", ":", "update" }));
    }

    // The next message: "update" for an update event, ":" for a comment line.
    private static async Task<string> NextAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == ":" || line == "event: update")
            {
                return line == ":" ? line : "update";
            }
        }

        throw new AssertionException("The stream ended.");
    }
}
