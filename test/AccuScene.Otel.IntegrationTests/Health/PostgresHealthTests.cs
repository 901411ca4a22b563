using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AccuScene.Otel.IntegrationTests.Health;

/// <summary>The database check against a real PostgreSQL 15: stop it and readiness fails after N failures, start it and readiness recovers after M successes; liveness stays 200.</summary>
[NonParallelizable]
public class PostgresHealthTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Readiness_FollowsARealPostgresStoppedAndStarted_WhileLivenessStays200(CancellationToken cancellationToken)
    {
        using var postgres = await PostgresServer.StartAsync(cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var host = await HealthHost.StartAsync(checks => checks.AddAccuSceneDatabaseCheck("postgres", _ => dataSource, "SELECT 1"), cancellationToken: cancellationToken);

        var (up, failed, back, livenessFailures) = await host.FlipAsync("postgres", () => postgres.StopAsync(cancellationToken), () => postgres.StartAgainAsync(cancellationToken), TimeSpan.FromSeconds(60), cancellationToken);

        TestContext.Out.WriteLine($"postgres: 503 after {failed.GetProperty("consecutive_failures").GetInt32()} failures (\"{failed.GetProperty("description").GetString()}\"), 200 again after {back.GetProperty("consecutive_successes").GetInt32()} successes, liveness failures {livenessFailures}");
        Assert.Multiple(() =>
        {
            Assert.That(up.GetProperty("data").GetProperty("latency_ms").GetDouble(), Is.GreaterThan(0));
            Assert.That(failed.GetProperty("consecutive_failures").GetInt32(), Is.GreaterThanOrEqualTo(3), "Unhealthy only after N = 3 failures");
            Assert.That(back.GetProperty("consecutive_successes").GetInt32(), Is.GreaterThanOrEqualTo(2), "healthy again only after M = 2 successes");
            Assert.That(livenessFailures, Is.Zero);
        });
    }
}
