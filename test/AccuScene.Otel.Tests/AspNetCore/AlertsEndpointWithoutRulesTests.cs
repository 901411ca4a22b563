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
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene();
        await using var app = builder.Build();
        app.MapAccuSceneAlerts();
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var get = await http.GetAsync(new Uri("/alerts", UriKind.Relative), cancellationToken);
        var body = await get.Content.ReadAsStringAsync(cancellationToken);
        using var ack = await http.PostAsync(new Uri("/alerts/unknown/ack", UriKind.Relative), null, cancellationToken);
        await app.StopAsync(cancellationToken);

        using var document = JsonDocument.Parse(body);
        Assert.Multiple(() =>
        {
            Assert.That((int)get.StatusCode, Is.EqualTo(200));
            Assert.That(document.RootElement.GetProperty("active").GetArrayLength(), Is.Zero);
            Assert.That(document.RootElement.GetProperty("recent").GetArrayLength(), Is.Zero);
            Assert.That((int)ack.StatusCode, Is.EqualTo(404));
        });
    }
}
