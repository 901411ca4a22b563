using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;
using Microsoft.Extensions.Time.Testing;
using Snapshooter.NUnit;

namespace AccuScene.Otel.Tests.Events;

public class EventStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    [Test]
    public void Recent_GivesTheNewestAtOrAboveASeverity_AsQueryDoes()
    {
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 1000 });
        for (var i = 0; i < 600; i++)
        {
            store.Add(Event(T0.AddSeconds(i), i % 3 == 0 ? AccuSceneEventSeverity.Warning : AccuSceneEventSeverity.Debug, "simulation", $"e{i}"));
        }

        // A span's event is captured when the span ends: stored last, with an older timestamp.
        store.Add(Event(T0.AddSeconds(590), AccuSceneEventSeverity.Error, "simulation", "from-a-span"));

        var recent = store.Recent(5, AccuSceneEventSeverity.Info).Select(e => e.Name);
        var queried = store.Query(new AccuSceneEventQuery(MinimumSeverity: AccuSceneEventSeverity.Info, Limit: 5)).Events.Select(e => e.Name);
        Assert.Multiple(() =>
        {
            Assert.That(recent, Is.EqualTo(new[] { "e597", "e594", "e591", "from-a-span", "e588" }));
            Assert.That(recent, Is.EqualTo(queried));
            Assert.That(store.Recent(0, AccuSceneEventSeverity.Info), Is.Empty);
        });
    }

    [Test]
    public void Recent_ReachesPastALongSpansEventsCapturedLast()
    {
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 1000 });
        for (var i = 0; i < 300; i++)
        {
            store.Add(Event(T0.AddSeconds(1000 + i), AccuSceneEventSeverity.Info, "application", $"log{i}"));
        }

        // A span that began long before ends now: its 200 events are captured last, with older timestamps.
        for (var i = 0; i < 200; i++)
        {
            store.Add(Event(T0.AddSeconds(i), AccuSceneEventSeverity.Info, "simulation", $"span{i}"));
        }

        var recent = store.Recent(20, AccuSceneEventSeverity.Info).Select(e => e.Name);
        var queried = store.Query(new AccuSceneEventQuery(MinimumSeverity: AccuSceneEventSeverity.Info, Limit: 20)).Events.Select(e => e.Name);
        Assert.That(recent, Is.EqualTo(queried).And.Contains("log299"));
    }

    [Test]
    public void Recent_NeverWalksPastTheNewest16384_UnderTheStoresLock()
    {
        // A warning behind 20,000 debug events: the dashboard's walk stops short of it rather than hold the lock
        // every logging thread waits for through the whole store.
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 100_000 });
        store.Add(Event(T0, AccuSceneEventSeverity.Warning, "simulation", "old-warning"));
        for (var i = 0; i < 20_000; i++)
        {
            store.Add(Event(T0.AddSeconds(1 + i), AccuSceneEventSeverity.Debug, "simulation", $"d{i}"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(store.Recent(5, AccuSceneEventSeverity.Warning), Is.Empty);
            Assert.That(store.Recent(5, AccuSceneEventSeverity.Debug).Select(e => e.Name), Is.EqualTo(new[] { "d19999", "d19998", "d19997", "d19996", "d19995" }));
        });
    }

    [Test]
    public void AFullStore_DropsTheOldestAndCountsIt()
    {
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 100 });
        for (var i = 0; i < 250; i++)
        {
            store.Add(Event(T0.AddSeconds(i), AccuSceneEventSeverity.Info, "simulation", $"e{i}"));
        }

        var all = store.Query(new AccuSceneEventQuery(Limit: 1000));
        Assert.Multiple(() =>
        {
            Assert.That(store.Count, Is.EqualTo(100));
            Assert.That(store.Dropped, Is.EqualTo(150));
            Assert.That(all.Dropped, Is.EqualTo(150));
            Assert.That(all.Events.Select(e => e.Name), Is.EqualTo(Enumerable.Range(150, 100).Reverse().Select(i => $"e{i}")), "the newest 100, newest first");
            Assert.That(all.Events[0].Id, Is.EqualTo(250));
        });
    }

    [Test]
    public void TimeRange_FromIsInclusive_ToIsExclusive_AndAnEmptyRangeIsEmpty()
    {
        var time = new FakeTimeProvider(T0);
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 1000 });
        for (var i = 0; i < 10; i++)
        {
            store.Add(Event(time.GetUtcNow(), AccuSceneEventSeverity.Info, "cache", $"e{i}"));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var range = store.Query(new AccuSceneEventQuery(From: T0.AddSeconds(3), To: T0.AddSeconds(6)));
        var empty = store.Query(new AccuSceneEventQuery(From: T0.AddSeconds(4), To: T0.AddSeconds(4)));
        var after = store.Query(new AccuSceneEventQuery(From: T0.AddSeconds(10)));

        Assert.That(range.Events.Select(e => e.Name), Is.EqualTo(new[] { "e5", "e4", "e3" }));
        Assert.That(range.Matched, Is.EqualTo(3));
        Assert.That(empty.Events, Is.Empty);
        Assert.That(after.Events, Is.Empty);
    }

    [Test]
    public void Filters_SeverityCategoriesTextAndTrace_CombineAndPage()
    {
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 1000 });
        store.Add(Event(T0, AccuSceneEventSeverity.Debug, "simulation", "step.debug"));
        store.Add(Event(T0, AccuSceneEventSeverity.Warning, "database", "db.slow", traceId: "abc"));
        store.Add(Event(T0, AccuSceneEventSeverity.Error, "database", "db.failed"));
        store.Add(Event(T0, AccuSceneEventSeverity.Critical, "api", "api.down"));
        store.Add(Event(T0, AccuSceneEventSeverity.Error, "cache", "cache.failed"));

        Assert.Multiple(() =>
        {
            Assert.That(Names(store.Query(new AccuSceneEventQuery(AccuSceneEventSeverity.Error))), Is.EqualTo(new[] { "cache.failed", "api.down", "db.failed" }));
            Assert.That(Names(store.Query(new AccuSceneEventQuery(Categories: new HashSet<string> { "database", "api" }))), Is.EqualTo(new[] { "api.down", "db.failed", "db.slow" }));
            Assert.That(Names(store.Query(new AccuSceneEventQuery(Contains: "FAILED"))), Is.EqualTo(new[] { "cache.failed", "db.failed" }));
            Assert.That(Names(store.Query(new AccuSceneEventQuery(TraceId: "ABC"))), Is.EqualTo(new[] { "db.slow" }));
            var first = store.Query(new AccuSceneEventQuery(Limit: 2));
            var second = store.Query(new AccuSceneEventQuery(Limit: 2, Offset: first.NextOffset!.Value));
            var last = store.Query(new AccuSceneEventQuery(Limit: 2, Offset: second.NextOffset!.Value));
            Assert.That(Names(first).Concat(Names(second)).Concat(Names(last)), Is.EqualTo(new[] { "cache.failed", "api.down", "db.failed", "db.slow", "step.debug" }));
            Assert.That(last.NextOffset, Is.Null);
        });
    }

    [Test]
    public async Task EightThreadsRecordingAMillionEvents_StoredPlusDroppedIsAMillion()
    {
        const int Threads = 8;
        const int PerThread = 125_000;
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 10_000 });
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                store.Add(Event(T0, AccuSceneEventSeverity.Info, "simulation", "tick"));
            }
        })));

        var ids = store.Query(new AccuSceneEventQuery(Limit: 1000)).Events.Select(e => e.Id).ToList();
        TestContext.Out.WriteLine($"1,000,000 events from {Threads} threads: {store.Count:N0} stored + {store.Dropped:N0} dropped");
        Assert.That(store.Count + store.Dropped, Is.EqualTo(Threads * PerThread));
        Assert.That(store.Count, Is.EqualTo(10_000));
        Assert.That(ids[0], Is.EqualTo(Threads * PerThread), "ids are unique and increasing: the newest is the millionth");
    }

    [Test]
    public void TheJsonOfAPage_MatchesItsSnapshot()
    {
        var store = new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 100 });
        store.Add(new AccuSceneEvent(0, T0, AccuSceneEventSeverity.Warning, "database", "db.slow", "Query took 812 ms",
            new Dictionary<string, object?> { ["db.operation.name"] = "SELECT", ["accuscene.scene.id"] = "scene-7" }, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));
        store.Add(new AccuSceneEvent(0, T0.AddSeconds(1), AccuSceneEventSeverity.Info, "simulation", "simulation.completed", "Simulation of scene-7 completed",
            new Dictionary<string, object?> { ["accuscene.simulation.frames"] = 60 }, null, null));

        var json = AccuSceneDiagnosticsJson.Serialize(store.Query(new AccuSceneEventQuery(Limit: 10)));

        Snapshot.Match(json);
    }

    private static List<string> Names(AccuSceneEventPage page) => [.. page.Events.Select(e => e.Name)];

    private static AccuSceneEvent Event(DateTimeOffset at, AccuSceneEventSeverity severity, string category, string name, string? traceId = null) =>
        new(0, at, severity, category, name, name + " happened", new Dictionary<string, object?>(), traceId, null);
}
