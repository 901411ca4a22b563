using System.Diagnostics;
using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Instrumentation.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Events;

public class EventCaptureTests
{
    [Test]
    public void AnErrorWhoseExceptionMessageThrows_IsStillCaptured()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Tests.Capture");

#pragma warning disable CA1848, CA2254 // Plain calls are what users write.
        logger.LogError(new Fuzz.HostileException(), "payment failed");
#pragma warning restore CA1848, CA2254

        var captured = store.Query(new AccuSceneEventQuery()).Events.Single(e => e.Message == "payment failed");
        Assert.That(captured.Attributes["exception.message"], Does.Contain("its Message threw InvalidOperationException"));
    }

    [Test]
    public void LoggedEvents_AndRecordsAtTheMinimumLevel_AreCaptured_OthersAreNot()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Tests.Capture");
        using var source = new ActivitySource(AccuSceneTelemetry.SourceName);
        string traceId;
        using (var run = source.StartActivity("simulation.run")!)
        {
            traceId = run.TraceId.ToHexString();
            logger.RecordEvent(AccuSceneEventCategory.Simulation, AccuSceneEventSeverity.Info, "collision.detected", "Vehicles 1 and 2 collided at 13.2 m/s",
                new KeyValuePair<string, object?>("accuscene.scene.id", "scene-9"), new("password", "hunter2"));
        }

#pragma warning disable CA1848, CA2254 // Plain calls are what users write.
        logger.LogInformation("an ordinary information record");
        logger.LogWarning("disk almost full");
#pragma warning restore CA1848, CA2254

        var events = store.Query(new AccuSceneEventQuery()).Events;
        var collision = events.Single(e => e.Name == "collision.detected");
        Assert.Multiple(() =>
        {
            Assert.That(events.Select(e => e.Message), Has.None.EqualTo("an ordinary information record"), "Information is below the default minimum level");
            Assert.That(collision.Category, Is.EqualTo("simulation"));
            Assert.That(collision.Severity, Is.EqualTo(AccuSceneEventSeverity.Info));
            Assert.That(collision.Message, Is.EqualTo("Vehicles 1 and 2 collided at 13.2 m/s"));
            Assert.That(collision.Attributes["accuscene.scene.id"], Is.EqualTo("scene-9"));
            Assert.That(collision.Attributes["password"], Is.EqualTo("[REDACTED]"), "captured after redaction");
            Assert.That(collision.TraceId, Is.EqualTo(traceId));
            var warning = events.Single(e => e.Message == "disk almost full");
            Assert.That((warning.Category, warning.Severity), Is.EqualTo(("application", AccuSceneEventSeverity.Warning)));
        });
    }

    [Test]
    public void NumericAttributes_StayNumbers_AndAreWrittenAsJsonNumbers()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Tests.Capture");
        logger.RecordEvent(
            AccuSceneEventCategory.Simulation,
            AccuSceneEventSeverity.Info,
            "simulation.completed",
            "done",
            new KeyValuePair<string, object?>("frames", 338),
            new KeyValuePair<string, object?>("speed", 27.714452489022158),
            new KeyValuePair<string, object?>("ok", true),
            new KeyValuePair<string, object?>("friction", 0.1f),
            new KeyValuePair<string, object?>("ratio", double.NaN),
            new KeyValuePair<string, object?>("zip", "0338"),
            new KeyValuePair<string, object?>("when", TimeSpan.FromSeconds(2)));

        var stored = store.Query(new AccuSceneEventQuery()).Events.Single(e => e.Name == "simulation.completed");
        using var json = System.Text.Json.JsonDocument.Parse(AccuSceneDiagnosticsJson.Serialize(store.Query(new AccuSceneEventQuery())));
        var attributes = json.RootElement.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "simulation.completed").GetProperty("attributes");
        Assert.Multiple(() =>
        {
            Assert.That(stored.Attributes["frames"], Is.EqualTo(338L), "integers are kept as long");
            Assert.That(attributes.GetProperty("frames").GetInt64(), Is.EqualTo(338));
            Assert.That(attributes.GetProperty("speed").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Number));
            Assert.That(attributes.GetProperty("speed").GetDouble(), Is.EqualTo(27.714452489022158), "event data is not rounded");
            Assert.That(attributes.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(attributes.GetProperty("friction").GetRawText(), Is.EqualTo("0.1"), "a float keeps the digits it was recorded with");
            Assert.That(attributes.GetProperty("ratio").GetString(), Is.EqualTo("NaN"), "JSON has no NaN: as docs/events.md says, a string");
            Assert.That(attributes.GetProperty("zip").GetString(), Is.EqualTo("0338"), "text stays text");
            Assert.That(attributes.GetProperty("when").GetString(), Is.EqualTo("00:00:02"), "other values as invariant text");
        });
    }

    [Test]
    public void SpanEventsAndExceptions_AreCapturedWithTheSpansCategory()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        using (var query = AccuScene.Otel.Instrumentation.Tracing.AccuSceneSpans.StartDatabaseQuery("sqlite", "SELECT", "scenes", "SELECT 1"))
        {
            query.RecordFailure(new InvalidOperationException("database is locked"));
        }

        using (var run = AccuScene.Otel.Instrumentation.Tracing.AccuSceneSpans.StartSimulationRun("scene-1", 2, "s-1"))
        {
            run.AddEvent(AccuSceneEventCategory.Security, "tamper.suspected", new ActivityTagsCollection { ["api_key"] = "k-1" });
        }

        var events = store.Query(new AccuSceneEventQuery()).Events;
        var failure = events.Single(e => e.Name == "exception");
        var tamper = events.Single(e => e.Name == "tamper.suspected");
        Assert.Multiple(() =>
        {
            Assert.That((failure.Category, failure.Severity, failure.Message), Is.EqualTo(("database", AccuSceneEventSeverity.Error, "database is locked")));
            Assert.That((tamper.Category, tamper.Severity), Is.EqualTo(("security", AccuSceneEventSeverity.Info)));
            Assert.That(tamper.Attributes["api_key"], Is.EqualTo("[REDACTED]"), "span-event tags are masked when captured");
        });
    }

    [Test]
    public void AnErrorUnderManyScopeValues_KeepsItsException_AndTheRecordsOwnValueWinsOverAScopes()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Tests.Capture");
        var scope = Enumerable.Range(0, 100).ToDictionary(i => $"scope.value.{i}", i => (object?)i);
        scope["SceneId"] = 3;

#pragma warning disable CA1848, CA2254 // Plain calls are what users write.
        using (logger.BeginScope(scope))
        {
            logger.LogError(new TimeoutException("the solver timed out"), "Scene {SceneId} failed", 5);
        }
#pragma warning restore CA1848, CA2254

        var failed = store.Query(new AccuSceneEventQuery()).Events.Single(e => e.Message == "Scene 5 failed");
        Assert.Multiple(() =>
        {
            Assert.That(failed.Attributes["exception.type"], Is.EqualTo(typeof(TimeoutException).FullName), "the exception is kept; scope values past the limit go");
            Assert.That(failed.Attributes["exception.message"], Is.EqualTo("the solver timed out"));
            Assert.That(failed.Attributes["logger"], Is.EqualTo("AccuScene.Tests.Capture"));
            Assert.That(failed.Attributes["SceneId"], Is.EqualTo(5L), "the record's own value, not the outer scope's 3");
        });
    }

    [Test]
    public void ACategoryTagOfAnotherType_IsCustom_NotDroppedWithItsEvent()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Tests.Capture");
        using (var run = AccuSceneSpans.StartSimulationRun("scene-1", 2, "s-1"))
        {
            run?.AddEvent(new ActivityEvent("queue.full", tags: new ActivityTagsCollection { [AccuSceneEvents.CategoryAttribute] = 4 }));
        }

#pragma warning disable CA1848, CA2254 // Plain calls are what users write.
        logger.LogInformation("Batch {Id} in {accuscene.event.category}", 9, 12);
#pragma warning restore CA1848, CA2254

        var events = store.Query(new AccuSceneEventQuery()).Events;
        var span = events.Single(e => e.Name == "queue.full");
        var log = events.Single(e => e.Message == "Batch 9 in 12");
        Assert.Multiple(() =>
        {
            Assert.That((span.Category, span.Severity, span.Attributes[AccuSceneEvents.CategoryAttribute]), Is.EqualTo(("custom", AccuSceneEventSeverity.Info, (object?)"4")));
            Assert.That((log.Category, log.Attributes[AccuSceneEvents.CategoryAttribute]), Is.EqualTo(("custom", (object?)"12")), "a tagged record is an event, below MinimumLevel too");
        });
    }

    [Test]
    public void ASpanEventsOwnMessageAndSpanName_AreKept_WhateverTheirType()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        using (var run = AccuSceneSpans.StartSimulationRun("scene-1", 2, "s-1"))
        {
            run?.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection { ["exception.message"] = 404 }));
            run?.AddEvent(new ActivityEvent("handoff", tags: new ActivityTagsCollection { ["span.name"] = "solver.inner" }));
        }

        var events = store.Query(new AccuSceneEventQuery()).Events;
        Assert.Multiple(() =>
        {
            Assert.That(events.Single(e => e.Name == "exception").Message, Is.EqualTo("404"), "a message given as a number is still the message");
            Assert.That(events.Single(e => e.Name == "handoff").Attributes["span.name"], Is.EqualTo("solver.inner"), "the event's own span.name is not overwritten");
        });
    }

    [Test]
    public void ACategoryTagThatIsNoCategory_IsStoredAsCustom_WithTheGivenTextKept()
    {
        using var provider = Services();
        var store = provider.GetRequiredService<AccuSceneEventStore>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Tests.Capture");
        using (var run = AccuSceneSpans.StartSimulationRun("scene-1", 2, "s-1"))
        {
            run?.AddEvent(new ActivityEvent("invoice.sent", tags: new ActivityTagsCollection { [AccuSceneEvents.CategoryAttribute] = "Billing" }));
            run?.AddEvent(new ActivityEvent("solver.ready", tags: new ActivityTagsCollection { [AccuSceneEvents.CategoryAttribute] = AccuSceneEventCategory.Simulation }));
        }

#pragma warning disable CA1848, CA2254 // Plain calls are what users write.
        logger.LogWarning("Card {Last4} declined {accuscene.event.category}", "4242", "PAYMENTS");
#pragma warning restore CA1848, CA2254

        var events = store.Query(new AccuSceneEventQuery()).Events;
        var invoice = events.Single(e => e.Name == "invoice.sent");
        var declined = events.Single(e => e.Message == "Card 4242 declined PAYMENTS");
        Assert.Multiple(() =>
        {
            Assert.That((invoice.Category, invoice.Attributes[AccuSceneEvents.CategoryAttribute]), Is.EqualTo(("custom", "Billing")));
            Assert.That(events.Single(e => e.Name == "solver.ready").Category, Is.EqualTo("simulation"), "the enum itself is read");
            Assert.That((declined.Category, declined.Attributes[AccuSceneEvents.CategoryAttribute]), Is.EqualTo(("custom", "PAYMENTS")));
            Assert.That(store.Query(new AccuSceneEventQuery(Categories: new HashSet<string> { "custom" })).Events.Select(e => e.Name), Does.Contain("invoice.sent"), "/events?category=custom selects it");
        });
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddAccuScene(o => o.Service.Name = "capture-test");
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<TracerProvider>();
        return provider;
    }
}
