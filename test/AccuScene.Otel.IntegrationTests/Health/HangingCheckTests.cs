using AccuScene.Otel.Health;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.IntegrationTests.Health;

/// <summary>
/// R4: a check that hangs forever and ignores cancellation, behind the worker's Kestrel probe endpoint.
/// Probes answer from the cache, so none waits for the check; readiness reports the timeout and liveness
/// never changes. Measured by counting answers slower than timeout + 100 ms, not by asserting a time.
/// </summary>
public class HangingCheckTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task R4_AHangingCheck_NeverHoldsAProbe_AndLivenessIsUnaffected(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(1);
        var hangs = 0;
        await using var host = await HealthHost.StartAsync(
            checks => checks.AddDependencyCheck(
                "hanging",
                new HealthDependency("scenes-db", "database"),
                _ => new HangingCheck(() => Interlocked.Increment(ref hangs))),
            cancellationToken: cancellationToken);

        const int Probes = 200;
        var slow = 0;
        var liveFailures = 0;
        var readyStatuses = new List<int>();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < Probes; i++)
        {
            var probe = i % 2 == 0 ? "live" : "ready";
            var (status, elapsed, _) = await host.ProbeAsync(probe, cancellationToken);
            slow += elapsed > timeout + TimeSpan.FromMilliseconds(100) ? 1 : 0;
            slowest = elapsed > slowest ? elapsed : slowest;
            if (probe == "live")
            {
                liveFailures += status == 200 ? 0 : 1;
            }
            else
            {
                readyStatuses.Add(status);
            }

            await Task.Delay(20, cancellationToken);
        }

        var (_, _, body) = await host.ProbeAsync("ready", cancellationToken);
        var check = HealthHost.Check(body, "hanging");
        TestContext.Out.WriteLine($"R4: {Probes} probes while a check hung (timeout {timeout}): {slow} slower than timeout + 100 ms (slowest {slowest.TotalMilliseconds:F1} ms), {liveFailures} liveness failures, readiness 503 on {readyStatuses.Count(s => s == 503)} of {readyStatuses.Count}, check started {hangs} time(s), last description \"{check.GetProperty("description").GetString()}\"");
        Assert.Multiple(() =>
        {
            Assert.That(slow, Is.Zero, "no probe waits for a check");
            Assert.That(liveFailures, Is.Zero, "liveness never depends on a dependency");
            Assert.That(readyStatuses, Has.All.EqualTo(503), "the hanging check never succeeded, so readiness is never 200");
            Assert.That(check.GetProperty("description").GetString(), Does.StartWith("timed out after 00:00:01"));
            Assert.That(hangs, Is.EqualTo(1), "a hung check is not started again while it hangs");
        });
    }

    private sealed class HangingCheck(Action started) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            started();
            return new TaskCompletionSource<HealthCheckResult>().Task; // never completes, ignores the token
        }
    }
}
