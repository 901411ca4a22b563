using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// The built-in channels over real HTTP on loopback: a redirect is a failure (not a GET counted as delivered), a
/// status asking again cannot mend is not retried, a failed resend is counted, and the SDK's own requests stay out of
/// the app's <c>http.client.*</c> metrics; Slack text is escaped and webhooks on one host are told apart.
/// </summary>
[NonParallelizable]
public class AlertChannelHttpTests
{
    private static readonly AlertDeliveryOptions FastRetries = new() { MaxRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(50) };

    [Test]
    [CancelAfter(30_000)]
    public async Task APostRedirectedToAGet_IsAFailure_NotAGetCountedAsDelivered(CancellationToken cancellationToken)
    {
        var posts = new ConcurrentQueue<string>();
        await using var receiver = await Receiver.StartAsync(
            app =>
            {
                // An ingress that sends http to https: .NET would follow it with a GET, which Alertmanager answers 200.
                app.MapPost("/api/v2/alerts", () => Results.Redirect("/moved/api/v2/alerts", permanent: true));
                app.MapGet("/moved/api/v2/alerts", () => Results.Text("[]", "application/json"));
                app.MapPost("/moved/api/v2/alerts", () =>
                {
                    posts.Enqueue("moved");
                    return Results.Ok();
                });
            },
            cancellationToken);
        using var channel = FiringAlertmanager(receiver.Url);

        var ex = await Assert.CatchAsync<HttpRequestException>(() => channel.DeliverAsync([], cancellationToken));

        Assert.That(ex!.Message, Does.Contain("redirected the POST"));
        Assert.That(AlertHttp.IsPermanent(ex), Is.True, "not retried");
        Assert.That(posts, Is.Empty);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AWebhookRedirected_IsReportedWithoutItsSecretPath(CancellationToken cancellationToken)
    {
        // A Slack-style URL whose path is the secret, redirected by its host: the failure is logged, so its message
        // names where to by scheme, host and port only.
        await using var receiver = await Receiver.StartAsync(
            app =>
            {
                app.MapPost("/services/T0/B0/s3cret", () => Results.Redirect("/hooks/T0/B0/s3cret", permanent: true));
                app.MapGet("/hooks/T0/B0/s3cret", () => Results.Ok());
            },
            cancellationToken);
        using var webhook = new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri(receiver.Url, "/services/T0/B0/s3cret") }, "svc");
        var notification = Notifications(new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }])).Single();

        var ex = await Assert.CatchAsync<HttpRequestException>(() => webhook.DeliverAsync([notification], cancellationToken));

        Assert.That(ex!.Message, Does.Contain($"redirected the POST (301, 302 or 303 to another path on http://127.0.0.1:{receiver.Url.Port}, not shown)"));
        Assert.That(ex.Message, Does.Not.Contain("s3cret").And.Not.Contain("hooks"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task APostRedirectedWith308_IsFollowedWithItsBody(CancellationToken cancellationToken)
    {
        var posts = new ConcurrentQueue<string>();
        await using var receiver = await Receiver.StartAsync(
            app =>
            {
                // nginx-ingress' ssl-redirect answers 308: the method and the body are kept.
                app.MapPost("/api/v2/alerts", () => Results.Redirect("/moved/api/v2/alerts", permanent: true, preserveMethod: true));
                app.MapPost("/moved/api/v2/alerts", (HttpRequest request) => TakeAsync(request, posts));
            },
            cancellationToken);
        using var channel = FiringAlertmanager(receiver.Url);

        await channel.DeliverAsync([], cancellationToken);

        Assert.That(posts.Single(), Does.Contain("\"alertname\":\"hot\""));
    }

    [TestCase(404, 1, "failed")]
    [TestCase(400, 1, "failed")]
    [TestCase(503, 4, "failed")]
    [TestCase(429, 4, "failed")]
    [CancelAfter(30_000)]
    public async Task AStatusAskingAgainCannotMend_IsNotRetried(int status, int expectedAttempts, string outcome, CancellationToken cancellationToken)
    {
        var attempts = 0;
        await using var receiver = await Receiver.StartAsync(
            app => app.MapPost("/hook", () =>
            {
                Interlocked.Increment(ref attempts);
                return Results.StatusCode(status);
            }),
            cancellationToken);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }]);
        using var webhook = new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri(receiver.Url, "/hook") }, "svc");
        var outcomes = new ConcurrentDictionary<string, long>();
        using var listener = CountOutcomes(webhook.Name, outcomes);

        using (new AlertDelivery(engine, [webhook], FastRetries))
        {
            engine.Check("m", 5);
            await WaitUntilAsync(() => outcomes.ContainsKey(outcome), cancellationToken);
        }

        Assert.That(Volatile.Read(ref attempts), Is.EqualTo(expectedAttempts), "one attempt, or one and three retries");
        Assert.That(outcomes.GetValueOrDefault(outcome), Is.EqualTo(1));
        Assert.That(outcomes.GetValueOrDefault("delivered"), Is.Zero);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AlertmanagerGetsTheHeldAlerts_InRequestsOfAtMost64(CancellationToken cancellationToken)
    {
        var sizes = new ConcurrentQueue<int>();
        await using var receiver = await Receiver.StartAsync(
            app => app.MapPost("/api/v2/alerts", async (HttpContext context) =>
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                sizes.Enqueue(body.RootElement.GetArrayLength());
                return Results.Ok();
            }),
            cancellationToken);
        var rules = Enumerable.Range(0, 150).Select(i => new AlertRule { Name = $"rule-{i}", Metric = "m", Threshold = 1 }).ToList();
        var engine = new AccuSceneAlertEngine(rules);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = receiver.Url });
        engine.Notification += (_, n) => channel.Accept(n);
        engine.Check("m", 5);

        await channel.DeliverAsync([], cancellationToken);

        Assert.That(sizes, Is.EqualTo(new[] { 64, 64, 22 }), "every held alert once, no request over 64");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ARetryAfterAnswer_IsWaitedFor_UpToTheLongestRetryDelay(CancellationToken cancellationToken)
    {
        var attempts = 0;
        await using var receiver = await Receiver.StartAsync(
            app => app.MapPost("/hook", (HttpContext context) =>
            {
                if (Interlocked.Increment(ref attempts) > 1)
                {
                    return Results.Ok();
                }

                context.Response.Headers.RetryAfter = "120";
                return Results.StatusCode(429);
            }),
            cancellationToken);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }]);
        using var webhook = new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri(receiver.Url, "/hook") }, "svc");
        var outcomes = new ConcurrentDictionary<string, long>();
        using var listener = CountOutcomes(webhook.Name, outcomes);
        var options = new AlertDeliveryOptions { MaxRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMinutes(1) };

        var waited = TimeSpan.Zero;
        using (new AlertDelivery(engine, [webhook], options, time))
        {
            engine.Check("m", 5);
            await WaitUntilAsync(() => Volatile.Read(ref attempts) == 1, cancellationToken);

            // A second at a time until the retry goes: the backoff alone would have retried within the first.
            while (!outcomes.ContainsKey("delivered"))
            {
                time.Advance(TimeSpan.FromSeconds(1));
                waited += TimeSpan.FromSeconds(1);
                await Task.Delay(20, cancellationToken);
            }
        }

        Assert.That(waited, Is.InRange(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(65)), "the 120 s asked for, cut to MaxRetryDelay");
        Assert.That(Volatile.Read(ref attempts), Is.EqualTo(2));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AFailedResend_IsCounted_ThoughItCarriesNoNewNotification(CancellationToken cancellationToken)
    {
        var attempts = 0;
        await using var receiver = await Receiver.StartAsync(
            app => app.MapPost("/api/v2/alerts", () => Interlocked.Increment(ref attempts) == 1 ? Results.Ok() : Results.StatusCode(503)),
            cancellationToken);
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }]);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = receiver.Url, ResendInterval = TimeSpan.FromSeconds(1) });
        var outcomes = new ConcurrentDictionary<string, long>();
        using var listener = CountOutcomes(channel.Name, outcomes);

        using (new AlertDelivery(engine, [channel], new AlertDeliveryOptions { MaxRetries = 0 }))
        {
            engine.Check("m", 5); // delivered; Alertmanager then goes down while nothing new happens
            await WaitUntilAsync(() => outcomes.ContainsKey("resend_failed"), cancellationToken);
        }

        Assert.That(outcomes.GetValueOrDefault("delivered"), Is.EqualTo(1));
        Assert.That(outcomes.GetValueOrDefault("resend_failed"), Is.GreaterThanOrEqualTo(1));
        Assert.That(outcomes.GetValueOrDefault("failed"), Is.Zero, "no notification was lost: the state is resent");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AResend_CarriesTheFiringAlertAsItIsNow_NotAsItWasWhenItFired(CancellationToken cancellationToken)
    {
        // With no cooldown there are no repeat notifications: the resend alone tells Alertmanager the value now.
        var summaries = new ConcurrentQueue<string>();
        await using var receiver = await SummaryReceiverAsync(summaries, cancellationToken);
        var rule = new AlertRule { Name = "hot", Metric = "m", Threshold = 1, Cooldown = TimeSpan.Zero };
        rule.Annotations["summary"] = "at {value}";
        var engine = new AccuSceneAlertEngine([rule]);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = receiver.Url, ResendInterval = TimeSpan.FromSeconds(1) });

        using (new AlertDelivery(engine, [channel], new AlertDeliveryOptions()))
        {
            engine.Check("m", 10);
            await WaitUntilAsync(() => summaries.Contains("at 10"), cancellationToken);
            engine.Check("m", 20); // still firing: no notification
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(TimeSpan.FromSeconds(5)); // five resends
            await WaitUntilAsync(() => summaries.Contains("at 20"), patience.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Assert.That(summaries, Does.Contain("at 20"), "resent as the engine has it now: " + string.Join(", ", summaries.Distinct()));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AnotherRuleThatKeepsChanging_DoesNotKeepAFiringAlertAsItWasWhenItFired(CancellationToken cancellationToken)
    {
        // Every delivery sends the state: a busy rule's notifications, more often than the resend interval, must
        // carry the quiet rule's value now too, not only the resends they keep putting off.
        var summaries = new ConcurrentQueue<string>();
        await using var receiver = await SummaryReceiverAsync(summaries, cancellationToken);
        var quiet = new AlertRule { Name = "hot", Metric = "m", Threshold = 1, Cooldown = TimeSpan.Zero };
        quiet.Annotations["summary"] = "at {value}";
        var busy = new AlertRule { Name = "flapping", Metric = "f", Threshold = 1, Cooldown = TimeSpan.Zero };
        busy.Annotations["summary"] = "flapping";
        var engine = new AccuSceneAlertEngine([quiet, busy]);
        using var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = receiver.Url, ResendInterval = TimeSpan.FromSeconds(1) });

        using (new AlertDelivery(engine, [channel], new AlertDeliveryOptions()))
        {
            engine.Check("m", 10);
            await WaitUntilAsync(() => summaries.Contains("at 10"), cancellationToken);
            engine.Check("m", 20); // still firing: no notification
            for (var i = 0; i < 16 && !summaries.Contains("at 20"); i++)
            {
                engine.Check("f", i % 2 == 0 ? 10 : 0); // fires, then resolves: a notification every 250 ms
                await Task.Delay(250, cancellationToken);
            }
        }

        Assert.That(summaries, Does.Contain("at 20"), "sent as the engine has it now: " + string.Join(", ", summaries.Distinct()));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task TheSdksOwnRequests_AreNotMeasuredAsTheAppsHttpClientTraffic(CancellationToken cancellationToken)
    {
        await using var receiver = await Receiver.StartAsync(app => app.MapPost("/hook", () => Results.Ok()), cancellationToken);
        var port = receiver.Url.Port;
        var measured = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // What an app subscribes to (AddMeter("System.Net.Http"), as AddAccuScene() does).
                if (instrument.Meter.Name == "System.Net.Http" && instrument.Name == "http.client.request.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Take(instrument, tags));
        listener.Start();
        using var percentiles = new AccuScene.Otel.Metrics.Percentiles.AccuScenePercentiles(); // every meter, whatever its scope
        using var webhook = new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri(receiver.Url, "/hook") }, "svc");
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }]);
        var notification = Notifications(engine).Single();
        using (var plain = new HttpClient())
        {
            using var response = await plain.PostAsync(new Uri(receiver.Url, "/hook"), new StringContent("{}"), cancellationToken);
        }

        var fromApp = measured.Count;
        var ours = new KeyValuePair<string, string?>("server.port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sketched = percentiles.Find("http.client.request.duration", ours)?.Count;
        await webhook.DeliverAsync([notification], cancellationToken);

        Assert.That(fromApp, Is.EqualTo(1), "the app's own request is measured: the listener sees .NET's HTTP client metrics");
        Assert.That(measured, Has.Count.EqualTo(1), "the webhook's request added no http.client.request.duration measurement");
        Assert.That(sketched, Is.EqualTo(1), "the app's request is in the percentiles");
        Assert.That(percentiles.Find("http.client.request.duration", ours)?.Count, Is.EqualTo(1), "the webhook's is not");

        void Take(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "server.port" && Equals(tag.Value, port))
                {
                    measured.Enqueue($"{instrument.Meter.Name}/{instrument.Name}");
                }
            }
        }
    }

    [Test]
    public void SlackText_EscapesTheThreeCharactersSlackReadsAsMarkup()
    {
        var rule = new AlertRule { Name = "hot", Metric = "m", Threshold = 1 };
        rule.Annotations["summary"] = "p95 > 0.5 s && errors < 5 <!channel>";
        var engine = new AccuSceneAlertEngine([rule]);
        var notification = Notifications(engine).Single();

        var text = JsonDocument.Parse(AlertJson.Slack([notification], "svc").Single()).RootElement.GetProperty("text").GetString();

        Assert.That(text, Does.EndWith("p95 &gt; 0.5 s &amp;&amp; errors &lt; 5 &lt;!channel&gt;"));
    }

    [Test]
    public void SlackMessages_StayUnderSlacksLimit_WithEveryNotificationInOrder_AndAnOverlongOneCut()
    {
        // Slack cuts a text over 40,000 characters and still answers 200: what it cuts would count as delivered.
        var rules = Enumerable.Range(0, 40).Select(i => new AlertRule { Name = $"rule-{i:D2}", Metric = $"m{i}", Threshold = 1 }).ToList();
        foreach (var rule in rules)
        {
            rule.Annotations["summary"] = new string('x', 950);
        }

        rules[7].Annotations["summary"] = string.Concat(Enumerable.Repeat("a<b ", 1024));
        var engine = new AccuSceneAlertEngine(rules);
        var notifications = new List<AlertNotification>();
        engine.Notification += (_, n) => notifications.Add(n);
        for (var i = 0; i < rules.Count; i++)
        {
            engine.Check($"m{i}", 5);
        }

        var texts = AlertJson.Slack(notifications, "svc").Select(m => JsonDocument.Parse(m).RootElement.GetProperty("text").GetString()!).ToList();
        var lines = texts.SelectMany(t => t.Split('\n')).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(texts, Has.Count.GreaterThan(1));
            Assert.That(texts.Max(t => t.Length), Is.LessThanOrEqualTo(AlertJson.SlackTextLimit));
            Assert.That(lines.Select(l => l.Split(' ')[1]), Is.EqualTo(rules.Select(r => r.Name)), "every notification once, in order");
            Assert.That(lines[7], Does.EndWith("…").And.Not.Contains("&lt…").And.Not.Contains("&l…"), "cut, not inside an escape");
        });
    }

    [TestCase("a<b ", 0)]
    [TestCase("a<b ", 1)]
    [TestCase("a<b ", 2)]
    [TestCase("a<b ", 3)]
    [TestCase("a<b ", 4)]
    [TestCase("a<b ", 5)]
    [TestCase("a<b ", 6)]
    [TestCase("\U0001F600", 0)]
    [TestCase("\U0001F600", 1)]
    public void AnOverlongSlackLine_IsCutNeitherInsideAnEscapeNorInsideACharacter(string unit, int padding)
    {
        // Each padding moves the cut one character along the repeated unit, so some cut falls inside "&lt;" or
        // between the two halves of the emoji.
        var rule = new AlertRule { Name = "long", Metric = "m", Threshold = 1 };
        rule.Annotations["summary"] = new string('p', padding) + string.Concat(Enumerable.Repeat(unit, (4096 - padding) / unit.Length));
        var engine = new AccuSceneAlertEngine([rule]);

        var text = JsonDocument.Parse(AlertJson.Slack(Notifications(engine), "svc").Single()).RootElement.GetProperty("text").GetString()!;

        var kept = text[..^1];
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.EndWith("…").And.Length.LessThanOrEqualTo(AlertJson.SlackTextLimit));
            Assert.That(System.Text.RegularExpressions.Regex.IsMatch(kept, "&[a-z]{0,3}$"), Is.False, $"no escape cut short: …{kept[^6..]}");
            // A half left at the end would be written as U+FFFD (System.Text.Json replaces a lone surrogate).
            Assert.That(char.IsHighSurrogate(kept[^1]) || kept[^1] == '\uFFFD', Is.False, "no half of a character");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ASlackBatchRetried_ResumesFromTheMessageThatFailed(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<string>();
        var failOnce = 1;
        await using var receiver = await Receiver.StartAsync(
            app => app.MapPost("/hook", async (HttpContext context) =>
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                var first = body.RootElement.GetProperty("text").GetString()!.Split(' ')[1];
                if (received.Count == 1 && Interlocked.Exchange(ref failOnce, 0) == 1)
                {
                    // Slack's rate limit on the second message.
                    return Results.StatusCode(429);
                }

                received.Enqueue(first);
                return Results.Ok();
            }),
            cancellationToken);
        var rules = Enumerable.Range(0, 12).Select(i => new AlertRule { Name = $"rule-{i:D2}", Metric = $"m{i}", Threshold = 1 }).ToList();
        rules.ForEach(r => r.Annotations["summary"] = new string('x', 950));
        var engine = new AccuSceneAlertEngine(rules);
        var batch = new List<AlertNotification>();
        engine.Notification += (_, n) => batch.Add(n);
        for (var i = 0; i < rules.Count; i++)
        {
            engine.Check($"m{i}", 5);
        }

        using var webhook = new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri(receiver.Url, "/hook"), Format = WebhookPayloadFormat.Slack }, "svc");

        // The worker's retry hands the channel the same batch again.
        Assert.That(await Assert.CatchAsync<HttpRequestException>(() => webhook.DeliverAsync(batch, cancellationToken)), Has.Property("StatusCode").EqualTo(HttpStatusCode.TooManyRequests));
        await webhook.DeliverAsync(batch, cancellationToken);

        // Twelve lines of about a thousand characters: three to a message, four messages, each received once.
        Assert.That(received, Is.EqualTo(new[] { "rule-00", "rule-03", "rule-06", "rule-09" }));
    }

    [Test]
    public void TwoWebhooksOnOneHost_HaveNamesOfTheirOwn()
    {
        var services = new ServiceCollection().AddSingleton(new AccuSceneAlertEngine([])).BuildServiceProvider();
        var alerts = new AccuSceneAlertsOptions();
        alerts.Webhooks.Add(new WebhookChannelOptions { Url = new Uri("https://hooks.example/services/A") });
        alerts.Webhooks.Add(new WebhookChannelOptions { Url = new Uri("https://hooks.example/services/B") });
        alerts.Webhooks.Add(new WebhookChannelOptions { Url = new Uri("https://other.example/x") });

        using var delivery = AlertChannels.CreateDelivery(services, alerts, new AccuSceneServiceOptions { Name = "svc" });

        Assert.That(delivery.Channels.Select(c => c.Name), Is.EqualTo(new[] { "webhook:hooks.example", "webhook:hooks.example#2", "webhook:other.example" }));
    }

    // The request's own token (RequestAborted) bounds the read.
    // An Alertmanager that keeps the summary annotation of every alert it is sent.
    private static Task<Receiver> SummaryReceiverAsync(ConcurrentQueue<string> summaries, CancellationToken cancellationToken) =>
        Receiver.StartAsync(
            app => app.MapPost("/api/v2/alerts", async (HttpRequest request) =>
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                foreach (var alert in body.RootElement.EnumerateArray())
                {
                    summaries.Enqueue(alert.GetProperty("annotations").GetProperty("summary").GetString()!);
                }

                return Results.Ok();
            }),
            cancellationToken);

    private static async Task<IResult> TakeAsync(HttpRequest request, ConcurrentQueue<string> posts)
    {
        posts.Enqueue(await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted));
        return Results.Ok();
    }

    // An Alertmanager channel holding one firing alert.
    private static AlertmanagerAlertChannel FiringAlertmanager(Uri url)
    {
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "hot", Metric = "m", Threshold = 1 }]);
        var channel = new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = url });
        engine.Notification += (_, n) => channel.Accept(n);
        engine.Check("m", 5);
        return channel;
    }

    private static List<AlertNotification> Notifications(AccuSceneAlertEngine engine)
    {
        var raised = new List<AlertNotification>();
        engine.Notification += (_, n) => raised.Add(n);
        engine.Check("m", 5);
        return raised;
    }

    private static MeterListener CountOutcomes(string channel, ConcurrentDictionary<string, long> outcomes)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Name == AlertDelivery.NotificationsName)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? outcome = null;
            var ours = false;
            foreach (var tag in tags)
            {
                (outcome, ours) = tag.Key switch
                {
                    "outcome" => ((string?)tag.Value, ours),
                    "channel" => (outcome, Equals(tag.Value, channel)),
                    _ => (outcome, ours),
                };
            }

            if (ours && outcome is not null)
            {
                outcomes.AddOrUpdate(outcome, value, (_, n) => n + value);
            }
        });
        listener.Start();
        return listener;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app) => _app = app;

        public Uri Url => new(_app.Urls.Single());

        public static async Task<Receiver> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var receiver = new Receiver(builder.Build());
            map(receiver._app);
            await receiver._app.StartAsync(cancellationToken);
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
