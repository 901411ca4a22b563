using System.Diagnostics.Metrics;
using AccuScene.Otel.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AccuScene.Otel.Tests.Health;

/// <summary>How the scheduler records the runs it ends or skips itself, as ASP.NET Core's health checks would.</summary>
public class HealthSchedulerFailureTests
{
    private static readonly HealthDependency Database = new("scenes-db", "database");

    [Test]
    public async Task ARunTimedOutByTheScheduler_GetsTheRegistrationsFailureStatus()
    {
        // A non-critical search API registered the ASP.NET Core way: its failures are Degraded, timeouts too.
        var calls = 0;
        using var health = new HealthHarness(b => b
            .AddCheck("search", new DelegateCheck(async ct =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return HealthCheckResult.Healthy();
            }), failureStatus: HealthStatus.Degraded)
            .AddAccuSceneScheduling());

        var run = health.RunAsync("search");
        await HealthStateTests.WaitUntil(() => Volatile.Read(ref calls) == 1);
        health.Time.Advance(TimeSpan.FromSeconds(1));
        await run;

        var ready = health.Monitor.GetReport(HealthProbe.Ready);
        Assert.Multiple(() =>
        {
            Assert.That(ready.Entries.Single().LastResult, Is.EqualTo(HealthStatus.Degraded));
            Assert.That(ready.Entries.Single().Description, Is.EqualTo("timed out after 00:00:01"));
            Assert.That((ready.Status, ready.HttpStatusCode), Is.EqualTo((HealthStatus.Degraded, 200)));
        });
    }

    [Test]
    public async Task ProbeTags_AreMatchedWithoutCase_AsASPNETCoreComparesThem()
    {
        using var health = new HealthHarness(b => b
            .AddCheck("pinger", new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Healthy())), tags: ["Live"])
            .AddCheck("db", new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Healthy())), tags: ["READY"])
            .AddAccuSceneScheduling());
        await health.RunAsync("pinger");

        Assert.That(health.Monitor.GetReport(HealthProbe.Live).Entries.Select(e => e.Name), Is.EqualTo(new[] { "pinger" }));
    }

    [Test]
    public async Task RunsSkippedWhileAHungRunGoesOn_AddNoPointToTheDurationHistogram()
    {
        var hang = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        using var health = new HealthHarness(b => b.AddDependencyCheck("stuck", Database, _ => new DelegateCheck(_ =>
        {
            Interlocked.Increment(ref calls);
            return hang.Task;
        })));
        using var duration = new MetricCollector<double>(health.Services.GetRequiredService<IMeterFactory>(), AccuSceneHealthMonitor.MeterName, "accuscene.health.check.duration");

        var run = health.RunAsync("stuck");
        await HealthStateTests.WaitUntil(() => Volatile.Read(ref calls) == 1);
        health.Time.Advance(TimeSpan.FromSeconds(1) + HealthCheckScheduler.Grace);
        await run;
        await health.RunAsync("stuck", 3);
        hang.SetResult(HealthCheckResult.Healthy());

        Assert.Multiple(() =>
        {
            Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(1), "the timed-out run; the three skipped ones ran nothing");
            Assert.That(health.Monitor.GetReport(HealthProbe.Ready).Entries.Single().ConsecutiveFailures, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task AThrowingMeterListener_DoesNotLoseTheResult()
    {
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy)));
        var factory = health.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "accuscene.health.check.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => throw new InvalidOperationException("listener failed"));
        listener.Start();

        await health.RunAsync("db");

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.That((entry.Pending, entry.Status), Is.EqualTo((false, HealthStatus.Healthy)));
    }

    [Test]
    public async Task AFactoryThatThrowsATimeoutException_IsReportedWithItsOwnMessage()
    {
        using var health = new HealthHarness(b => b.AddDependencyCheck(
            "redis", new HealthDependency("cache", "redis"), _ => throw new TimeoutException("It was not possible to connect to the redis server(s).")));

        await health.RunAsync("redis");
        await health.RunAsync("redis");

        var entry = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.Description, Does.Contain("not possible to connect to the redis server"));
            Assert.That(health.State("redis").Hung, Is.Null, "nothing hangs: the second run ran again");
        });
    }

    [Test]
    public async Task ATurnToDegraded_IsLoggedWithoutAFailureCount()
    {
        var check = new ScriptedCheck(HealthStatus.Healthy, HealthStatus.Degraded);
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => check));

        await health.RunAsync("db", 2);

        var logged = health.Logs.GetSnapshot().Single(r => r.Id.Name == "HealthStatusDegraded");
        Assert.That(logged.Message, Is.EqualTo("Health check db changed from Healthy to Degraded: run 2: Degraded"));
    }

    private sealed class DelegateCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => check(cancellationToken);
    }
}
