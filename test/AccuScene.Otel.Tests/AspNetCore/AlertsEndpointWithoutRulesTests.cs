using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>#16: <c>/alerts</c> used to answer 404 when no rules were configured; it answers the empty document.</summary>
[NonParallelizable]
public class AlertsEndpointWithoutRulesTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task NoRules_GetAnswers200WithAnEmptyDocument_AndAckAnswers404(CancellationToken cancellationToken)
    {
        await using var server = await LoopbackAlertsApp.StartAsync(cancellationToken);

        using var get = await server.Http.GetAsync(new Uri("/alerts", UriKind.Relative), cancellationToken);
        var body = await get.Content.ReadAsStringAsync(cancellationToken);
        using var ack = await server.Http.PostAsync(new Uri("/alerts/unknown/ack", UriKind.Relative), null, cancellationToken);

        using var document = JsonDocument.Parse(body);
        Assert.Multiple(() =>
        {
            Assert.That((int)get.StatusCode, Is.EqualTo(200));
            Assert.That(document.RootElement.GetProperty("active").GetArrayLength(), Is.Zero);
            Assert.That(document.RootElement.GetProperty("recent").GetArrayLength(), Is.Zero);
            Assert.That((int)ack.StatusCode, Is.EqualTo(404));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AnAckBodyWithAStringThatIsNoText_Answers400(CancellationToken cancellationToken)
    {
        // JsonDocument accepts a lone surrogate escape and invalid UTF-8 inside a string; reading the string throws.
        await using var server = await LoopbackAlertsApp.StartAsync(cancellationToken);
        var statuses = new List<int>();
        foreach (var body in new[] { "{\"by\":\"\\ud800\"}"u8.ToArray(), [.. "{\"by\":\""u8, 0xFF, .. "\"}"u8] })
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await server.Http.PostAsync(new Uri("/alerts/unknown/ack", UriKind.Relative), content, cancellationToken);
            statuses.Add((int)response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { 400, 400 }));
    }

    [Test]
    public void MapAccuSceneHealth_WithoutAHealthMonitor_FailsAtStartupNamingWhatToCall()
    {
        // Every probe used to answer 500: a liveness probe that can never pass restarts the pod forever.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAccuScene();
        using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapAccuSceneHealth());

        Assert.That(ex!.Message, Does.Contain("services.AddHealthChecks().AddAccuScene"));
    }
}
