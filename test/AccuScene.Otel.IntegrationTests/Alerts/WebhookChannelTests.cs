using System.Collections.Concurrent;
using System.Text.Json;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AccuScene.Otel.IntegrationTests.Alerts;

public class WebhookChannelTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Webhooks_ReceiveJsonAndSlackPayloads_AndAFailingReceiverIsRetried(CancellationToken cancellationToken)
    {
        var bodies = new ConcurrentQueue<(string Path, string Body)>();
        var attempts = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/hook", async context =>
        {
            // The first two attempts fail: the delivery must retry with backoff.
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            if (Interlocked.Increment(ref attempts) <= 2)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            bodies.Enqueue(("/hook", body));
        });
        app.MapPost("/slack", async context => bodies.Enqueue(("/slack", await new StreamReader(context.Request.Body).ReadToEndAsync())));
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.Single());

        var rule = new AlertRule { Name = "StepTimeHigh", Metric = "step", Threshold = 0.016, Severity = AlertSeverity.High };
        rule.Annotations["summary"] = "p95 {value} s";
        var engine = new AccuSceneAlertEngine([rule]);
        long delivered = 0;
        using var listener = AlertmanagerChannelTests.Count(AlertDelivery.NotificationsName, (outcome, n) =>
        {
            if (outcome == "delivered")
            {
                Interlocked.Add(ref delivered, n);
            }
        });
        using (var delivery = new AlertDelivery(
            engine,
            [
                new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri(address, "/hook") }, "accuscene-demo"),
                new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri(address, "/slack"), Format = WebhookPayloadFormat.Slack }, "accuscene-demo"),
            ],
            new AlertDeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(200) }))
        {
            engine.Check("step", 0.040);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (bodies.Count < 2 && watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        var json = bodies.Single(b => b.Path == "/hook").Body;
        var slack = bodies.Single(b => b.Path == "/slack").Body;
        TestContext.Out.WriteLine($"webhook: {json}\nslack: {slack}");
        using var document = JsonDocument.Parse(json);
        var alert = document.RootElement.GetProperty("alerts")[0];
        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(3), "two failures, then the retry that succeeded");
            Assert.That(document.RootElement.GetProperty("source").GetString(), Is.EqualTo("accuscene-demo"));
            Assert.That(alert.GetProperty("rule").GetString(), Is.EqualTo("StepTimeHigh"));
            Assert.That(alert.GetProperty("state").GetString(), Is.EqualTo("firing"));
            Assert.That(alert.GetProperty("severity").GetString(), Is.EqualTo("high"));
            Assert.That(alert.GetProperty("labels").GetProperty("alertname").GetString(), Is.EqualTo("StepTimeHigh"));
            Assert.That(alert.GetProperty("annotations").GetProperty("summary").GetString(), Is.EqualTo("p95 0.04 s"));
            Assert.That(JsonDocument.Parse(slack).RootElement.GetProperty("text").GetString(), Is.EqualTo("[FIRING] StepTimeHigh (high) on accuscene-demo: p95 0.04 s"));
            Assert.That(Interlocked.Read(ref delivered), Is.EqualTo(2));
        });
    }
}
