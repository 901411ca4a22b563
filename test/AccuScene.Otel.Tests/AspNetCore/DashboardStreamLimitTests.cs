using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// <c>AccuScene:Dashboard:MaxStreams</c> bounds the open streams; <c>HEAD</c> answers what <c>GET</c> would, 503 with
/// <c>Retry-After</c> when the streams are all taken, and takes no place itself.
/// </summary>
[NonParallelizable]
public sealed class DashboardStreamLimitTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task AtTheLimit_GetAndHeadBothAnswer503_AndHeadTakesNoPlace(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene(o => o.Dashboard.MaxStreams = 1);
        await using var app = builder.Build();
        app.MapAccuSceneDashboard();
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var stream = new Uri("/dashboard/stream", UriKind.Relative);

        async Task<(int Status, string? RetryAfter, string? Buffering)> Head()
        {
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, stream), cancellationToken);
            return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString(), response.Headers.TryGetValues("X-Accel-Buffering", out var v) ? v.Single() : null);
        }

        var headBefore = await Head();
        var secondHead = await Head();
        using var open = await http.GetAsync(stream, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var headAtLimit = await Head();
        using var secondGet = await http.GetAsync(stream, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(headBefore, Is.EqualTo((200, (string?)null, "no")), "a free place: GET's status and stream headers");
            Assert.That(secondHead.Status, Is.EqualTo(200), "the first HEAD took no place");
            Assert.That((int)open.StatusCode, Is.EqualTo(200), "the one stream allowed");
            Assert.That(headAtLimit, Is.EqualTo((503, (string?)"5", (string?)null)), "all taken: 503 with Retry-After, as GET answers");
            Assert.That((int)secondGet.StatusCode, Is.EqualTo(503));
        });
    }
}
