using AccuScene.Otel.Instrumentation.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// <c>/events</c> reads <c>from</c> and <c>to</c> as ISO-8601 times, also with a fraction finer than .NET's 100 ns
/// (RFC 3339 nanoseconds, as Go services and OTLP backends write them), cut to 100 ns.
/// </summary>
public class EventsQueryTimeTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task NanosecondTimes_AreRead_AndWhatIsNoTimeIsRefused(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene();
        await using var app = builder.Build();
        app.MapAccuSceneEvents();
        await app.StartAsync(cancellationToken);
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tests").RecordEvent(AccuSceneEventCategory.Simulation, AccuSceneEventSeverity.Info, "step.done", "done");
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        async Task<(int Status, string Body)> Get(string query)
        {
            using var response = await http.GetAsync(new Uri("/events?" + query, UriKind.Relative), cancellationToken);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        var since = await Get("from=2000-01-01T00:00:00.123456789Z");
        var until = await Get("to=2000-01-01T00:00:00.123456789%2B02:00");
        var nonsense = await Get("from=yesterday");
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(since.Status, Is.EqualTo(200));
            Assert.That(since.Body, Does.Contain("step.done"));
            Assert.That(until.Status, Is.EqualTo(200));
            Assert.That(until.Body, Does.Not.Contain("step.done"));
            Assert.That(nonsense.Status, Is.EqualTo(400));
            Assert.That(nonsense.Body, Does.Contain("from must be an ISO-8601 time such as 2026-11-30T10:00:00Z; it is 'yesterday'."));
        });
    }
}
