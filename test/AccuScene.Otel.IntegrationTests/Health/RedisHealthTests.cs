using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.IntegrationTests.Health;

/// <summary>The cache check through <c>IDistributedCache</c> backed by a real Redis: the same flip and recovery.</summary>
[NonParallelizable]
public class RedisHealthTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Readiness_FollowsARealRedisStoppedAndStarted_WhileLivenessStays200(CancellationToken cancellationToken)
    {
        using var redis = await RedisServer.StartAsync(cancellationToken);
        await using var host = await HealthHost.StartAsync(
            checks => checks.AddAccuSceneCacheCheck("redis"),
            cancellationToken,
            services => services.AddStackExchangeRedisCache(o => o.Configuration = redis.Configuration));

        var (_, failed, back, livenessFailures) = await host.FlipAsync(
            "redis",
            () =>
            {
                redis.Stop();
                return Task.CompletedTask;
            },
            () => redis.StartAgainAsync(cancellationToken),
            TimeSpan.FromSeconds(90),
            cancellationToken);

        TestContext.Out.WriteLine($"redis: 503 after {failed.GetProperty("consecutive_failures").GetInt32()} failures (\"{failed.GetProperty("description").GetString()}\"), 200 again after {back.GetProperty("consecutive_successes").GetInt32()} successes, liveness failures {livenessFailures}");
        Assert.Multiple(() =>
        {
            Assert.That(failed.GetProperty("consecutive_failures").GetInt32(), Is.GreaterThanOrEqualTo(3), "Unhealthy only after N = 3 failures");
            Assert.That(back.GetProperty("consecutive_successes").GetInt32(), Is.GreaterThanOrEqualTo(2), "healthy again only after M = 2 successes");
            Assert.That(livenessFailures, Is.Zero);
        });
    }
}
