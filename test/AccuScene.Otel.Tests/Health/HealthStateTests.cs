using System.Text.Json;
using AccuScene.Otel.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.Health;

public class HealthStateTests
{
    private static readonly HealthDependency Database = new("scenes-db", "database");

    [Test]
    public async Task AHealthyCheck_TurnsUnhealthyOnlyAfterNFailures_AndRecoversOnlyAfterMSuccesses()
    {
        var check = new ScriptedCheck(
            HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Healthy, HealthStatus.Healthy);
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => check));
        var seen = new List<HealthStatus>();
        for (var run = 0; run < 6; run++)
        {
            await health.RunAsync("db");
            seen.Add(health.Monitor.GetReport(HealthProbe.Ready).Status);
        }

        Assert.That(seen, Is.EqualTo(new[]
        {
            HealthStatus.Healthy, HealthStatus.Healthy, HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Healthy,
        }));
        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.That(entry.ConsecutiveSuccesses, Is.EqualTo(2));
        Assert.That(entry.LastSuccess, Is.EqualTo(health.Time.GetUtcNow()));
    }

    [Test]
    public async Task PerCheckConfiguration_OverridesTheScheduleInCode()
    {
        var check = new ScriptedCheck(HealthStatus.Healthy, HealthStatus.Unhealthy);
        using var health = new HealthHarness(
            b => b.AddDependencyCheck("db", Database, _ => check, new AccuSceneHealthCheckOptions { Interval = TimeSpan.FromSeconds(30), FailureThreshold = 5 }),
            o => o.Health.Checks["db"] = new AccuSceneHealthCheckOptions { FailureThreshold = 1 });

        await health.RunAsync("db", 2);

        Assert.That(health.State("db").Interval, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(health.Monitor.GetReport(HealthProbe.Ready).Status, Is.EqualTo(HealthStatus.Unhealthy), "configuration's threshold 1 wins over the code's 5");
    }

    [Test]
    public async Task ANonCriticalFailure_MakesReadinessDegraded_NotUnhealthy()
    {
        using var health = new HealthHarness(b => b
            .AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy))
            .AddDependencyCheck("search", new HealthDependency("search-api", "http", Critical: false), _ => new ScriptedCheck(HealthStatus.Unhealthy)));
        await health.RunAsync("db");
        await health.RunAsync("search");

        var ready = health.Monitor.GetReport(HealthProbe.Ready);
        Assert.That(ready.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(ready.HttpStatusCode, Is.EqualTo(200));
        Assert.That(ready.Entries.Single(e => e.Name == "search").Status, Is.EqualTo(HealthStatus.Unhealthy));
    }

    [Test]
    public async Task Liveness_CoversOnlyLiveChecks_SoAFailedDependencyNeverTouchesIt()
    {
        using var health = new HealthHarness(b => b
            .AddAccuSceneLivenessCheck()
            .AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Unhealthy)));
        Assert.That(health.Monitor.GetReport(HealthProbe.Live).HttpStatusCode, Is.EqualTo(200), "liveness is 200 before any run");
        Assert.That(health.Monitor.GetReport(HealthProbe.Ready).HttpStatusCode, Is.EqualTo(503), "readiness waits for the first runs");
        Assert.That(health.Monitor.GetReport(HealthProbe.Startup).HttpStatusCode, Is.EqualTo(503), "startup waits for the first runs");

        await health.RunAsync("process");
        await health.RunAsync("db", 5);

        var live = health.Monitor.GetReport(HealthProbe.Live);
        Assert.That(live.Entries.Select(e => e.Name), Is.EqualTo(new[] { "process" }));
        Assert.That(live.HttpStatusCode, Is.EqualTo(200));
        Assert.That(health.Monitor.GetReport(HealthProbe.Ready).HttpStatusCode, Is.EqualTo(503));
        var startup = health.Monitor.GetReport(HealthProbe.Startup);
        Assert.That((startup.HttpStatusCode, startup.Status), Is.EqualTo((200, HealthStatus.Degraded)), "started: every check has a first result; a failed database is readiness' business, not a restart's");
    }

    [Test]
    public async Task Startup_OverChecksTaggedStartup_CountsTheirStatus()
    {
        using var health = new HealthHarness(b => b
            .AddAccuSceneLivenessCheck()
            .AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy))
            .AddDependencyCheck("migrations", Database, _ => new ScriptedCheck(HealthStatus.Unhealthy), schedule: null, HealthTags.Startup));

        await health.RunAsync("process");
        await health.RunAsync("db");
        await health.RunAsync("migrations");
        var startup = health.Monitor.GetReport(HealthProbe.Startup);

        Assert.Multiple(() =>
        {
            Assert.That(startup.Entries.Select(e => e.Name), Is.EqualTo(new[] { "migrations" }));
            Assert.That(startup.HttpStatusCode, Is.EqualTo(503), "what the app says starting takes has failed");
        });
    }

    [Test]
    public async Task Startup_WaitsForTheFirstRunOfANonCriticalCheckToo()
    {
        var search = new HealthDependency("search-api", "http", Critical: false);
        using var health = new HealthHarness(b => b
            .AddAccuSceneLivenessCheck()
            .AddDependencyCheck("search", search, _ => new ScriptedCheck(HealthStatus.Unhealthy), new AccuSceneHealthCheckOptions { FailureThreshold = 1 }));

        await health.RunAsync("process");
        var beforeSearch = health.Monitor.GetReport(HealthProbe.Startup);
        await health.RunAsync("search");
        var afterSearch = health.Monitor.GetReport(HealthProbe.Startup);

        Assert.Multiple(() =>
        {
            Assert.That(beforeSearch.HttpStatusCode, Is.EqualTo(503), "a covered check has not run yet");
            Assert.That(afterSearch.HttpStatusCode, Is.EqualTo(200), "every check ran once; the non-critical failure is Degraded");
            Assert.That(afterSearch.Status, Is.EqualTo(HealthStatus.Degraded));
        });
    }

    [Test]
    public async Task ACheckThatHonoursCancellation_IsCancelledAtItsTimeout()
    {
        var calls = 0;
        using var health = new HealthHarness(b => b.AddDependencyCheck("slow", Database, _ => new DelegateCheck(async ct =>
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return HealthCheckResult.Healthy();
        })));

        var run = health.RunAsync("slow");
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        health.Time.Advance(TimeSpan.FromSeconds(1));
        await run;

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.That(entry.Description, Is.EqualTo("timed out after 00:00:01"));
        Assert.That(entry.LastResult, Is.EqualTo(HealthStatus.Unhealthy));
    }

    [Test]
    public async Task ACheckWhoseDriverThrowsItsOwnExceptionWhenCancelled_IsRecordedAsTimedOut()
    {
        var calls = 0;
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => new DelegateCheck(async ct =>
        {
            Interlocked.Increment(ref calls);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException("Operation cancelled by user."); // as SqlClient's SqlException says it
            }

            return HealthCheckResult.Healthy();
        })));

        var run = health.RunAsync("db");
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        health.Time.Advance(TimeSpan.FromSeconds(1));
        await run;

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.That((entry.Description, entry.LastResult), Is.EqualTo(("timed out after 00:00:01", HealthStatus.Unhealthy)));
    }

    [Test]
    public async Task ACheckThatIgnoresCancellation_IsAbandonedAfterItsTimeout_AndNotStartedAgainWhileItHangs()
    {
        var hang = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        using var health = new HealthHarness(b => b.AddDependencyCheck("stuck", Database, _ => new DelegateCheck(_ =>
        {
            Interlocked.Increment(ref calls);
            return hang.Task;
        })));

        var run = health.RunAsync("stuck");
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        health.Time.Advance(TimeSpan.FromSeconds(1) + HealthCheckScheduler.Grace);
        await run;
        await health.RunAsync("stuck");

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(1), "a hung check is not started again");
            Assert.That(entry.Description, Does.StartWith("timed out after 00:00:01"));
            Assert.That(entry.Description, Does.Contain("still going"));
            Assert.That(entry.ConsecutiveFailures, Is.EqualTo(2));
        });

        hang.SetResult(HealthCheckResult.Healthy());
        await WaitUntil(() => health.State("stuck").Hung!.IsCompleted);
        await health.RunAsync("stuck");
        Assert.That(calls, Is.EqualTo(2), "once the hung run ends, the check runs again");
    }

    [Test]
    public async Task StatusChanges_AreLoggedRaisedAndExportedAsMetrics()
    {
        var check = new ScriptedCheck(HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Healthy, HealthStatus.Healthy);
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => check, new AccuSceneHealthCheckOptions { FailureThreshold = 1 }));
        using var status = new MetricCollector<int>(health.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AccuSceneHealthMonitor.MeterName, "accuscene.health.status");
        using var duration = new MetricCollector<double>(health.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AccuSceneHealthMonitor.MeterName, "accuscene.health.check.duration");
        var changes = new List<HealthStatusChange>();
        health.Monitor.StatusChanged += (_, change) => changes.Add(change);

        await health.RunAsync("db", 2);
        status.RecordObservableInstruments();
        var whileDown = status.LastMeasurement;
        await health.RunAsync("db", 2);
        status.RecordObservableInstruments();

        Assert.Multiple(() =>
        {
            Assert.That(changes.Select(c => (c.Previous, c.Current)), Is.EqualTo(new (HealthStatus?, HealthStatus)[]
            {
                (null, HealthStatus.Healthy), (HealthStatus.Healthy, HealthStatus.Unhealthy), (HealthStatus.Unhealthy, HealthStatus.Healthy),
            }));
            var logged = health.Logs.GetSnapshot().Where(r => r.Id.Name is "HealthStatusFirstResult" or "HealthStatusChanged" or "HealthStatusRecovered").ToList();
            Assert.That(logged.Select(r => r.Id.Name), Is.EqualTo(new[] { "HealthStatusFirstResult", "HealthStatusChanged", "HealthStatusRecovered" }));
            Assert.That(logged.Select(r => r.Level), Is.EqualTo(new[] { LogLevel.Information, LogLevel.Warning, LogLevel.Information }));
            Assert.That(logged[1].Message, Does.Contain("db").And.Contain("Unhealthy"));
            Assert.That(whileDown!.Value, Is.EqualTo((int)HealthStatus.Unhealthy));
            Assert.That(whileDown.Tags["accuscene.health.check"], Is.EqualTo("db"));
            Assert.That(whileDown.Tags["accuscene.health.dependency.kind"], Is.EqualTo("database"));
            Assert.That(status.LastMeasurement!.Value, Is.EqualTo((int)HealthStatus.Healthy));
            Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(4));
        });
    }

    [Test]
    public async Task ADependencyDownFromItsFirstRun_IsAWarning()
    {
        var check = new ScriptedCheck(HealthStatus.Unhealthy, HealthStatus.Unhealthy);
        using var health = new HealthHarness(b => b.AddDependencyCheck("cache", Database, _ => check, new AccuSceneHealthCheckOptions { FailureThreshold = 1 }));

        await health.RunAsync("cache", 2);

        var logged = health.Logs.GetSnapshot().Where(r => r.Id.Name is "HealthStatusFirstResult" or "HealthStatusChanged").ToList();
        Assert.That(logged.Select(r => (r.Id.Name, r.Level)), Is.EqualTo(new[] { ("HealthStatusFirstResult", LogLevel.Warning) }));
        Assert.That(logged[0].Message, Does.Contain("cache").And.Contain("Unhealthy"));
    }

    [Test]
    public async Task TheScheduler_RunsEachCheckOnItsOwnInterval_OnTheTimeProvider()
    {
        var fast = new ScriptedCheck(HealthStatus.Healthy);
        var slow = new ScriptedCheck(HealthStatus.Healthy);
        using var health = new HealthHarness(b => b
            .AddDependencyCheck("fast", Database, _ => fast, new AccuSceneHealthCheckOptions { Interval = TimeSpan.FromSeconds(1) })
            .AddDependencyCheck("slow", Database, _ => slow, new AccuSceneHealthCheckOptions { Interval = TimeSpan.FromSeconds(5) }),
            o => o.Health.Timeout = TimeSpan.FromMilliseconds(500)); // so the only 1 s timers are the fast loop's waits
        using var stop = new CancellationTokenSource();
        await health.Scheduler.StartAsync(stop.Token);
        for (var second = 0; second < 10; second++)
        {
            // Advance only once the fast loop is waiting for its next turn, or the advance would be missed.
            var waits = second + 1;
            await WaitUntil(() => health.Time.TimersDue(TimeSpan.FromSeconds(1)) == waits);
            health.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await WaitUntil(() => fast.Calls == 11 && slow.Calls == 3);
        await health.Scheduler.StopAsync(CancellationToken.None);
        Assert.That((fast.Calls, slow.Calls), Is.EqualTo((11, 3)));
    }

    [Test]
    public async Task TheInterval_IsHowOftenACheckStarts_NotThePauseAfterItsRun()
    {
        TimeProvider? clock = null;
        var calls = 0;
        using var health = new HealthHarness(
            b => b.AddDependencyCheck("slow", Database, _ => new DelegateCheck(async ct =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(TimeSpan.FromSeconds(2), clock!, ct); // a check that takes 2 s
                return HealthCheckResult.Healthy();
            }), new AccuSceneHealthCheckOptions { Interval = TimeSpan.FromSeconds(5) }),
            o => o.Health.Timeout = TimeSpan.FromSeconds(4));
        clock = health.Time;
        using var stop = new CancellationTokenSource();
        await health.Scheduler.StartAsync(stop.Token);

        await WaitUntil(() => Volatile.Read(ref calls) == 1 && health.Time.TimersDue(TimeSpan.FromSeconds(2)) == 1);
        health.Time.Advance(TimeSpan.FromSeconds(2));

        // Before, the loop waited the whole 5 s after the run: the check ran every 7 s.
        await WaitUntil(() => health.Time.TimersDue(TimeSpan.FromSeconds(3)) == 1 || health.Time.TimersDue(TimeSpan.FromSeconds(5)) == 1);
        health.Time.Advance(TimeSpan.FromSeconds(3));
        await WaitUntil(() => Volatile.Read(ref calls) == 2);
        await health.Scheduler.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task ACheckWhoseFactoryThrows_IsRecordedUnhealthy_NotLeftPending()
    {
        using var health = new HealthHarness(b => b.AddDependencyCheck("broken", Database, _ => throw new InvalidOperationException("No service for type 'IDistributedCache' has been registered.")));

        await health.RunAsync("broken");

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.That(entry.Pending, Is.False);
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("IDistributedCache"));
    }

    [Test]
    public async Task AThrowingStatusListener_NeitherHidesTheChangeFromOthersNorCountsAsAFailure()
    {
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy)));
        var seen = 0;
        health.Monitor.StatusChanged += (_, _) => throw new TimeoutException("listener bug");
        health.Monitor.StatusChanged += (_, _) => seen++;

        await health.RunAsync("db");

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.That(seen, Is.EqualTo(1));
        Assert.That((entry.Status, entry.ConsecutiveFailures, entry.ConsecutiveSuccesses), Is.EqualTo((HealthStatus.Healthy, 0, 1)));
    }

    [TestCase(-1, 32, 503, TestName = "A wall clock stepped back an hour does not hide a stuck scheduler")]
    [TestCase(1, 0, 200, TestName = "A wall clock stepped forward an hour does not fake a stuck scheduler")]
    public async Task Liveness_IsMeasuredOnTheMonotonicClock(int wallClockHours, int seconds, int expected)
    {
        using var health = new HealthHarness(b => b.AddAccuSceneLivenessCheck(), o => o.Health.Interval = TimeSpan.FromSeconds(10));
        await health.RunAsync("process");

        health.Time.WallClockStep = TimeSpan.FromHours(wallClockHours);
        health.Time.Advance(TimeSpan.FromSeconds(seconds));

        Assert.That(health.Monitor.GetReport(HealthProbe.Live).HttpStatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task ADependencyCheckWhoseScheduleIsStuck_IsNotReportedByItsLastResultForever()
    {
        // A StatusChanged listener that blocks holds its check's loop: the last result (Healthy) must not stand.
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy)), o => o.Health.Interval = TimeSpan.FromSeconds(10));
        await health.RunAsync("db");
        health.Time.Advance(TimeSpan.FromSeconds(30));
        var fresh = health.Monitor.GetReport(HealthProbe.Ready).HttpStatusCode;
        health.Time.Advance(TimeSpan.FromSeconds(6)); // past 3 × 10 s plus the 5 s timeout
        var ready = health.Monitor.GetReport(HealthProbe.Ready);

        Assert.Multiple(() =>
        {
            Assert.That(fresh, Is.EqualTo(200));
            Assert.That(ready.HttpStatusCode, Is.EqualTo(503));
            Assert.That(ready.Entries.Single().Description, Does.Contain("the scheduler is stuck"));
        });
    }

    [Test]
    public async Task AHugeDescriptionAndData_AreCutBeforeTheyAreKept_AndCounted()
    {
        using var truncated = new MetricCollector<long>(AccuScene.Otel.Diagnostics.AccuSceneSelfDiagnostics.HealthTruncated);
        var data = Enumerable.Range(0, 100).ToDictionary(i => $"key{i}", i => (object)(i switch { 0 => new string('v', 100_000), 2 => TimeSpan.FromSeconds(3), _ => i }));
        var huge = HealthCheckResult.Unhealthy("502 from upstream: " + new string('x', 5_000_000), data: data);
        using var health = new HealthHarness(b => b.AddDependencyCheck("api", new HealthDependency("upstream", "http"), _ => new FixedCheck(huge)));

        await health.RunAsync("api");

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.Description, Has.Length.EqualTo(1024).And.StartWith("502 from upstream: ").And.EndWith("…"));
            Assert.That(entry.Data, Has.Count.EqualTo(32));
            Assert.That(entry.Data["key0"], Is.TypeOf<string>().And.Length.EqualTo(256));
            Assert.That(entry.Data["key1"], Is.EqualTo(1), "numbers stay numbers");
            Assert.That(entry.Data["key2"], Is.EqualTo(TimeSpan.FromSeconds(3)), "a short value stays the check's object");
            Assert.That(truncated.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(1), "once for the result");
        });
    }

    [Test]
    public async Task Liveness_TurnsUnhealthyWhenItsCheckHasNotRunForThreeIntervals()
    {
        using var health = new HealthHarness(b => b.AddAccuSceneLivenessCheck(), o => o.Health.Interval = TimeSpan.FromSeconds(10));
        await health.RunAsync("process");
        Assert.That(health.Monitor.GetReport(HealthProbe.Live).HttpStatusCode, Is.EqualTo(200));

        health.Time.Advance(TimeSpan.FromSeconds(32)); // nothing ran: the scheduler is stuck

        var live = health.Monitor.GetReport(HealthProbe.Live);
        Assert.That(live.HttpStatusCode, Is.EqualTo(503));
        Assert.That(live.Entries.Single().Description, Does.Contain("the scheduler is stuck"));
    }

    [Test]
    public void AConfiguredCheckThatIsNotRegistered_FailsAtStartUpWithItsKey()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new HealthHarness(
            b => b.AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy)),
            o => o.Health.Checks["dbb"] = new AccuSceneHealthCheckOptions { Interval = TimeSpan.FromSeconds(5) }));

        Assert.That(ex!.Message, Does.Contain("AccuScene:Health:Checks:dbb names no registered health check").And.Contain("db"));
    }

    [Test]
    public void AScheduleOutOfRange_IsRefusedWhenTheCheckIsAdded_WithTheRangeOfItsConfigurationKey()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddDependencyCheck(
            "db", Database, _ => new ScriptedCheck(), new AccuSceneHealthCheckOptions { Interval = TimeSpan.Zero, SuccessThreshold = 101 }));
        Assert.That(ex!.Message, Does.Contain("health check 'db'")
            .And.Contain("schedule:Interval must be between 00:00:01 and 01:00:00; it is 00:00:00.")
            .And.Contain("schedule:SuccessThreshold must be between 1 and 100; it is 101."));
    }

    [Test]
    public async Task AScheduleChangedAfterRegistration_ChangesNothing()
    {
        var check = new ScriptedCheck(HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy);
        var schedule = new AccuSceneHealthCheckOptions { FailureThreshold = 2 };
        using var health = new HealthHarness(b =>
        {
            b.AddDependencyCheck("db", Database, _ => check, schedule);
            schedule.FailureThreshold = 1; // after the check is added, before the monitor reads the schedules
        });

        await health.RunAsync("db", 2);
        Assert.That(health.Monitor.GetReport(HealthProbe.Ready).Entries.Single().Status, Is.EqualTo(HealthStatus.Healthy), "one failure of two");
        await health.RunAsync("db");
        Assert.That(health.Monitor.GetReport(HealthProbe.Ready).Entries.Single().Status, Is.EqualTo(HealthStatus.Unhealthy));
    }

    [Test]
    public async Task TheJsonBody_ListsEachCheckWithItsDependencyAndState()
    {
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy)));
        await health.RunAsync("db");
        using var stream = new MemoryStream();
        await AccuSceneHealthJson.WriteAsync(health.Monitor.GetReport(HealthProbe.Ready), stream);

        using var json = JsonDocument.Parse(stream.ToArray());
        var check = json.RootElement.GetProperty("checks")[0];
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(json.RootElement.GetProperty("probe").GetString(), Is.EqualTo("ready"));
            Assert.That(check.GetProperty("name").GetString(), Is.EqualTo("db"));
            Assert.That(check.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(check.GetProperty("description").GetString(), Is.EqualTo("run 1: Healthy"));
            Assert.That(check.GetProperty("duration_ms").GetDouble(), Is.GreaterThanOrEqualTo(0));
            Assert.That(check.GetProperty("last_success").GetDateTimeOffset(), Is.EqualTo(health.Time.GetUtcNow()));
            Assert.That(check.GetProperty("consecutive_failures").GetInt32(), Is.Zero);
            Assert.That(check.GetProperty("dependency").GetProperty("name").GetString(), Is.EqualTo("scenes-db"));
            Assert.That(check.GetProperty("dependency").GetProperty("kind").GetString(), Is.EqualTo("database"));
            Assert.That(check.GetProperty("dependency").GetProperty("critical").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task TheJsonBody_SurvivesDataWhoseToStringThrows()
    {
        // #18: one such value used to make the ready and startup reports throw.
        var data = new Dictionary<string, object> { ["bad"] = new ThrowingToString(), ["count"] = 3 };
        using var health = new HealthHarness(b => b.AddDependencyCheck(
            "db", Database, _ => new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Healthy("ok", data)))));
        await health.RunAsync("db");
        using var stream = new MemoryStream();

        await AccuSceneHealthJson.WriteAsync(health.Monitor.GetReport(HealthProbe.Ready), stream);

        using var json = JsonDocument.Parse(stream.ToArray());
        var written = json.RootElement.GetProperty("checks")[0].GetProperty("data");
        Assert.Multiple(() =>
        {
            Assert.That(written.GetProperty("bad").GetString(), Is.EqualTo("<ToString() threw InvalidOperationException>"));
            Assert.That(written.GetProperty("count").GetDouble(), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task TheJsonBody_WritesEveryIntegerAsAnExactNumber()
    {
        var data = new Dictionary<string, object> { ["free_bytes"] = 123UL, ["files"] = 7U, ["shards"] = (short)3, ["flags"] = (byte)1, ["offset"] = 9_007_199_254_740_993L };
        using var health = new HealthHarness(b => b.AddDependencyCheck(
            "db", Database, _ => new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Healthy("ok", data)))));
        await health.RunAsync("db");
        using var stream = new MemoryStream();

        await AccuSceneHealthJson.WriteAsync(health.Monitor.GetReport(HealthProbe.Ready), stream);

        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        // Before, an unsigned or short integer was written as a string ("123"), and a long past 2^53 rounded.
        Assert.That(text, Does.Contain("\"free_bytes\":123,\"files\":7,\"shards\":3,\"flags\":1,\"offset\":9007199254740993"));
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        // Real time only bounds the wait for continuations; the schedule itself runs on the fake clock.
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, "condition not reached within 5 s");
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }

    private sealed class DelegateCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => check(cancellationToken);
    }

    private sealed class FixedCheck(HealthCheckResult result) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(result);
    }
}
