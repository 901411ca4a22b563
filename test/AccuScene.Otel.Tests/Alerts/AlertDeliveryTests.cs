using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Alerts;

[NonParallelizable]
public class AlertDeliveryTests
{
    [Test]
    public async Task AHungChannel_NeverBlocksEvaluation_TheQueueStaysBounded_AndDropsAreCounted()
    {
        var rule = new AlertRule { Name = "flap", Metric = "m", Threshold = 1, Cooldown = TimeSpan.Zero };
        var engine = new AccuSceneAlertEngine([rule]);
        var channel = new RecordingChannel { Hang = new TaskCompletionSource() };
        var outcomes = CountOutcomes(out var listener);
        using (listener)
        {
            using (var delivery = new AlertDelivery(engine, [channel], new AlertDeliveryOptions { QueueCapacity = 5 }))
            {
                engine.Check("m", 5); // the first notification goes to the worker, which hangs on it
                await channel.Entered.Task;
                for (var i = 0; i < 50; i++)
                {
                    engine.Check("m", 5);
                    engine.Check("m", 0);
                }

                Assert.That(delivery.Queued, Is.EqualTo(5));
                Assert.That(outcomes.GetValueOrDefault("dropped"), Is.EqualTo(100 - 1 - 5), "100 notifications: 1 in flight, 5 queued, the rest dropped and counted");
                channel.Hang.SetResult();
                await WaitUntil(() => channel.Received.Count == 6);
            }

            Assert.That(outcomes.GetValueOrDefault("delivered"), Is.EqualTo(6));
        }
    }

    [Test]
    public async Task AHungChannel_TheQueueIsAlsoBoundedInBytes_TheOldestGo_AndTheDropsAreCounted()
    {
        var rule = new AlertRule { Name = "big", Metric = "m", Threshold = 1, Cooldown = TimeSpan.Zero };
        for (var i = 0; i < 32; i++)
        {
            rule.Annotations[$"a{i}"] = new string('x', 4_096);
        }

        var engine = new AccuSceneAlertEngine([rule]);
        var channel = new RecordingChannel { Hang = new TaskCompletionSource() };
        var raised = new List<AlertNotification>();
        engine.Notification += (_, n) => raised.Add(n);
        var outcomes = CountOutcomes(out var listener);
        using (listener)
        {
            using (var delivery = new AlertDelivery(engine, [channel], new AlertDeliveryOptions { QueueCapacity = 1_000 }))
            {
                engine.Check("m", 5); // the first notification goes to the worker, which hangs on it
                await channel.Entered.Task;
                for (var i = 0; i < 100; i++)
                {
                    engine.Check("m", 5);
                    engine.Check("m", 0);
                }

                var queued = delivery.Queued;
                var kept = raised.Skip(raised.Count - queued).Sum(NotificationQueue.SizeOf);
                Assert.That(NotificationQueue.SizeOf(raised[^1]), Is.GreaterThan(32 * 4_096 * 2));
                Assert.That(queued, Is.LessThan(200), "far under QueueCapacity: the bytes bound it");
                Assert.That(kept, Is.LessThanOrEqualTo(NotificationQueue.MaxBytes));
                Assert.That(kept + NotificationQueue.SizeOf(raised[^1]), Is.GreaterThan(NotificationQueue.MaxBytes), "as many as fit wait");
                Assert.That(outcomes.GetValueOrDefault("dropped"), Is.EqualTo(200 - 1 - queued), "200 notifications: 1 in flight, the newest that fit queued, the rest dropped and counted");
                channel.Hang.SetResult();
                await WaitUntil(() => channel.Received.Count == 1 + queued);
                Assert.That(channel.Received.Skip(1), Is.EqualTo(raised.Skip(raised.Count - queued)), "the newest were kept, in order");
            }

            Assert.That(outcomes.GetValueOrDefault("delivered"), Is.EqualTo(channel.Received.Count));
        }
    }

    [Test]
    public async Task AFailingChannel_IsRetriedWithBackoff_ThenCountedAsFailed()
    {
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "r", Metric = "m", Threshold = 1 }]);
        var channel = new RecordingChannel { Failures = int.MaxValue };
        var outcomes = CountOutcomes(out var listener);
        using (listener)
        using (new AlertDelivery(engine, [channel], new AlertDeliveryOptions { MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(20) }))
        {
            engine.Check("m", 5);
            await WaitUntil(() => outcomes.GetValueOrDefault("failed") == 1);
            Assert.That(channel.Attempts, Is.EqualTo(3), "the first attempt and two retries");
        }
    }

    [Test]
    public async Task ANotificationWaitingForItsRetryAtShutdown_IsCountedAsDropped()
    {
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "r", Metric = "m", Threshold = 1 }]);
        var channel = new RecordingChannel { Failures = int.MaxValue };
        var outcomes = CountOutcomes(out var listener);
        using (listener)
        {
            using (new AlertDelivery(engine, [channel], new AlertDeliveryOptions { MaxRetries = 5, RetryDelay = TimeSpan.FromSeconds(20), MaxRetryDelay = TimeSpan.FromSeconds(30) }))
            {
                engine.Check("m", 5);
                await WaitUntil(() => channel.Attempts == 1); // failed once; the retry is 20 s away
            }

            Assert.Multiple(() =>
            {
                Assert.That(outcomes.GetValueOrDefault("dropped"), Is.EqualTo(1), "taken off the queue, never delivered");
                Assert.That(outcomes.GetValueOrDefault("failed"), Is.Zero, "its retries were not used up");
                Assert.That(outcomes.GetValueOrDefault("delivered"), Is.Zero);
            });
        }
    }

    [Test]
    public async Task WhatShutdownDrops_IsAlsoAWarningOnTheEventSource_SinceTheMeterMayBeGoneByThen()
    {
        var rule = new AlertRule { Name = "flap", Metric = "m", Threshold = 1, Cooldown = TimeSpan.Zero };
        var engine = new AccuSceneAlertEngine([rule]);
        var channel = new RecordingChannel { Hang = new TaskCompletionSource(), Name = "shutdown" }; // a name no other test's channel has
        using var warnings = new StoppedDeliveryEvents();
        using (new AlertDelivery(engine, [channel], new AlertDeliveryOptions()))
        {
            engine.Check("m", 5); // in flight, hung until the shutdown cancels it
            await channel.Entered.Task;
            engine.Check("m", 0);
            engine.Check("m", 5); // two queued behind it
        }

        Assert.That(warnings.Messages.Where(m => m.StartsWith("Alert channel 'shutdown'", StringComparison.Ordinal)), Is.EquivalentTo(new[]
        {
            "Alert channel 'shutdown' did not deliver 1 notification(s) before the process stopped (being delivered, or waiting for a retry).",
            "Alert channel 'shutdown' did not deliver 2 notification(s) before the process stopped (still queued).",
        }));
    }

    [Test]
    public async Task ChannelsRegisteredAsServices_ReceiveThePipelinesNotifications()
    {
        var channel = new RecordingChannel();
        var services = new ServiceCollection();
        services.AddSingleton<IAlertChannel>(channel);
        services.AddAccuScene(o => o.Alerts.Rules.Add(new AlertRule { Name = "busy", Metric = "accuscene.tests.delivery.queue", Threshold = 3 }));
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        using var meter = new Meter("AccuScene.Tests.Delivery");
        meter.CreateGauge<int>("accuscene.tests.delivery.queue").Record(7);

        meters.ForceFlush();
        await WaitUntil(() => channel.Received.Count == 1);

        Assert.That(channel.Received.Single().Alert.Rule, Is.EqualTo("busy"));
    }

    [Test]
    public async Task AFiringTheCooldownHoldsBack_StillReachesAChannelThatSendsState_ButNoOther()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "errors", Metric = "m", Threshold = 1, Cooldown = TimeSpan.FromMinutes(5) }], time);
        var events = new RecordingChannel();
        var state = new StateChannel();
        using (new AlertDelivery(engine, [events, state], new AlertDeliveryOptions(), time))
        {
            engine.Check("m", 5); // fires: announced
            engine.Check("m", 0); // resolves: announced
            time.Advance(TimeSpan.FromMinutes(1));
            engine.Check("m", 5); // fires again inside the cooldown: held back
            engine.Check("m", 0); // and ends quietly
            await WaitUntil(() => state.Delivered == 4 && events.Received.Count == 2);
        }

        Assert.Multiple(() =>
        {
            Assert.That(events.Received.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }));
            Assert.That(state.Accepted.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved, AlertState.Firing, AlertState.Resolved }));
            Assert.That(state.Accepted[2].Alert.Id, Is.Not.EqualTo(state.Accepted[0].Alert.Id), "the second firing is an alert of its own");
            Assert.That(engine.Statistics().SuppressedByCooldown, Is.EqualTo(1));
            Assert.That(engine.Statistics().Notifications, Is.EqualTo(2), "quiet changes are no notifications");
        });
    }

    /// <summary>A channel that sends state, as Alertmanager's: it records what it is told.</summary>
    private sealed class StateChannel : IAlertChannel
    {
        private int _delivered;

        public string Name => "state";

        public TimeSpan? ResendInterval => TimeSpan.FromHours(1);

        public List<AlertNotification> Accepted { get; } = [];

        public int Delivered => Volatile.Read(ref _delivered);

        public void Accept(AlertNotification notification)
        {
            lock (this.Accepted)
            {
                this.Accepted.Add(notification);
            }
        }

        public Task DeliverAsync(IReadOnlyList<AlertNotification> notifications, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _delivered, notifications.Count);
            return Task.CompletedTask;
        }
    }

    [TestCase("AccuScene:Alerts:Alertmanager:Url", "ftp://127.0.0.1", "AccuScene:Alerts:Alertmanager:Url must be an absolute http or https URL")]
    [TestCase("AccuScene:Alerts:Alertmanager:ResendInterval", "00:00:00.5", "AccuScene:Alerts:Alertmanager:ResendInterval must be between 00:00:01 and 01:00:00")]
    [TestCase("AccuScene:Alerts:Webhooks:0:Format", "Slack", "AccuScene:Alerts:Webhooks:0:Url must be an absolute http or https URL")]
    [TestCase("AccuScene:Alerts:Delivery:QueueCapacity", "0", "AccuScene:Alerts:Delivery:QueueCapacity must be between 1 and 100000; it is 0.")]
    [TestCase("AccuScene:Alerts:Delivery:MaxRetries", "21", "AccuScene:Alerts:Delivery:MaxRetries must be between 0 and 20; it is 21.")]
    public void BadChannelSettings_FailAtStartUp_NamingTheKeyAndTheRange(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(configuration, null))!;
        Assert.That(ex.Message, Does.Contain(expected));
    }

    [Test]
    public void RulesFromAJsonFile_AreAdded_AndABadOneIsNamedByFileAndIndex()
    {
        var good = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.json");
        var bad = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(good, """{ "Rules": [ { "Name": "FromFile", "Metric": "accuscene.cache.hit_ratio", "Kind": "LessThan", "Threshold": 0.3, "Tags": { "accuscene.cache.name": "scenes" } } ] }""");
        File.WriteAllText(bad, """{ "Rules": [ { "Name": "ok", "Metric": "m" }, { "Name": "range", "Metric": "m", "Kind": "Outside", "Threshold": 2 } ] }""");
        try
        {
            var options = AccuSceneOptionsLoader.Load(Configuration(good), o => o.Alerts.Rules.Add(new AlertRule { Name = "InCode", Metric = "m" }));
            var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(Configuration(bad), null))!;
            var missing = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(Configuration(good + ".missing"), null))!;

            Assert.That(options.Alerts.Rules.Select(r => r.Name), Is.EqualTo(new[] { "InCode", "FromFile" }));
            Assert.That(options.Alerts.Rules[1].Tags["accuscene.cache.name"], Is.EqualTo("scenes"));
            Assert.That(ex.Message, Does.Contain($"{bad}:Rules:1: Alert rule 'range': Outside needs an UpperThreshold."));
            Assert.That(missing.Message, Does.Contain("AccuScene:Alerts:RulesFile: '" + good + ".missing' could not be read"));
        }
        finally
        {
            File.Delete(good);
            File.Delete(bad);
        }

        static IConfiguration Configuration(string file) =>
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Alerts:RulesFile"] = file }).Build();
    }

    [Test]
    public void AFileRuleNamedLikeAnInlineOne_IsNamedByFileAndIndex_AndByTheInlineKey()
    {
        var file = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Rules": [ { "Name": "Other", "Metric": "m" }, { "Name": "CpuHigh", "Metric": "m" } ] }""");
        try
        {
            var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(
                new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["AccuScene:Alerts:RulesFile"] = file,
                    ["AccuScene:Alerts:Rules:0:Name"] = "CpuHigh",
                    ["AccuScene:Alerts:Rules:0:Metric"] = "process.cpu.utilization",
                }).Build(),
                null))!;

            // Not "AccuScene:Alerts:Rules:2", a key that exists nowhere.
            Assert.That(ex.Failures, Has.Exactly(1).EqualTo($"{file}:Rules:1: the rule name 'CpuHigh' is used twice: AccuScene:Alerts:Rules:0 has it too."));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void TheFacade_ReadsARulesFileSetAfterCreate_OrOnReadyMadeOptions_AndFailsOnAMissingOne()
    {
        var file = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Rules": [ { "Name": "FromFile", "Metric": "accuscene.cache.hit_ratio", "Kind": "LessThan", "Threshold": 0.3 } ] }""");
        try
        {
            using var late = AccuSceneTelemetrySystem.Create();
            late.Options.Alerts.RulesFile = file;
            late.Start();
            var options = new AccuSceneOptions();
            options.Alerts.RulesFile = file;
            using var readyMade = AccuSceneTelemetrySystem.Create(options).Start();
            var missing = new AccuSceneOptions();
            missing.Alerts.RulesFile = file + ".missing";

            Assert.Multiple(() =>
            {
                Assert.That(late.Alerts!.Rules.Select(r => r.Name), Is.EqualTo(new[] { "FromFile" }));
                Assert.That(readyMade.Alerts!.Rules.Select(r => r.Name), Is.EqualTo(new[] { "FromFile" }));
                Assert.That(() => AccuSceneTelemetrySystem.Create(missing), Throws.InstanceOf<OptionsValidationException>().With.Message.Contain("AccuScene:Alerts:RulesFile: '" + file + ".missing' could not be read"));
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Dictionary<string, long> CountOutcomes(out MeterListener listener)
    {
        var outcomes = new Dictionary<string, long>();
        listener = new MeterListener
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
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    lock (outcomes)
                    {
                        outcomes[(string)tag.Value!] = outcomes.GetValueOrDefault((string)tag.Value!) + value;
                    }
                }
            }
        });
        listener.Start();
        return outcomes;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.That(condition(), Is.True, "the condition held within 10 s");
    }

    [Test]
    public async Task AChannelWhoseResendIntervalThrows_IsStillDeliveredTo_AndDisposeDoesNotThrow()
    {
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "r", Metric = "m", Threshold = 1 }]);
        var channel = new ThrowingResendChannel();
        var delivery = new AlertDelivery(engine, [channel], new AlertDeliveryOptions());

        engine.Check("m", 5);
        await WaitUntil(() => channel.Received.Count == 1);

        Assert.DoesNotThrow(delivery.Dispose);
    }

    private sealed class ThrowingResendChannel : IAlertChannel
    {
        public string Name => "throwing-resend";

        public TimeSpan? ResendInterval => throw new InvalidOperationException("hostile getter");

        public List<AlertNotification> Received { get; } = [];

        public Task DeliverAsync(IReadOnlyList<AlertNotification> notifications, CancellationToken cancellationToken)
        {
            lock (this.Received)
            {
                this.Received.AddRange(notifications);
            }

            return Task.CompletedTask;
        }
    }

    private sealed class RecordingChannel : IAlertChannel
    {
        private int _attempts;

        public string Name { get; init; } = "recording";

        public TaskCompletionSource? Hang { get; init; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Failures { get; init; }

        public int Attempts => Volatile.Read(ref _attempts);

        public List<AlertNotification> Received { get; } = [];

        public async Task DeliverAsync(IReadOnlyList<AlertNotification> notifications, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            if (Hang is { } hang)
            {
                await hang.Task.WaitAsync(cancellationToken);
            }

            if (Interlocked.Increment(ref _attempts) <= Failures)
            {
                throw new HttpRequestException("receiver down");
            }

            lock (Received)
            {
                Received.AddRange(notifications);
            }
        }
    }

    private sealed class StoppedDeliveryEvents : System.Diagnostics.Tracing.EventListener
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "AccuScene-Otel")
            {
                this.EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
        {
            if (eventData.EventId == 7)
            {
                this.Messages.Enqueue(string.Format(System.Globalization.CultureInfo.InvariantCulture, eventData.Message!, [.. eventData.Payload!]));
            }
        }
    }
}
