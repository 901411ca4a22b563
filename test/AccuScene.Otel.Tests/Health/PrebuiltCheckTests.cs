using AccuScene.Otel.Health.Checks;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Health;

public class PrebuiltCheckTests
{
    private static readonly HealthCheckContext Context = new()
    {
        Registration = new HealthCheckRegistration("check", _ => null!, HealthStatus.Unhealthy, []),
    };

    [TestCase(100, HealthStatus.Healthy)]
    [TestCase(600, HealthStatus.Degraded)]
    [TestCase(1200, HealthStatus.Unhealthy)]
    public async Task Memory_ComparesTheLargerOfHeapAndWorkingSetWithBothThresholds(long workingSetMiB, HealthStatus expected)
    {
        const long MiB = 1024 * 1024;
        var check = new MemoryHealthCheck(512 * MiB, 1024 * MiB, () => (50 * MiB, workingSetMiB * MiB));

        var result = await check.CheckHealthAsync(Context);

        Assert.That(result.Status, Is.EqualTo(expected));
        Assert.That(result.Data["working_set_bytes"], Is.EqualTo(workingSetMiB * MiB));
    }

    [Test]
    public async Task Cache_RoundTripsThroughTheDistributedCacheAndCleansUp()
    {
        var cache = new CountingCache();
        var result = await new DistributedCacheHealthCheck(cache).CheckHealthAsync(Context);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy), result.Description);
        Assert.That((cache.Sets, cache.Gets, cache.Removes, cache.Count), Is.EqualTo((1, 1, 1, 0)));
        Assert.That(result.Data, Does.ContainKey("latency_ms"));
    }

    [Test]
    public async Task Cache_ReadsItsLatencyFromTheContainersClock()
    {
        var time = new FakeTimeProvider();
        var cache = new CountingCache { OnGet = () => time.Advance(TimeSpan.FromMilliseconds(250)) };
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time).AddSingleton<IDistributedCache>(cache);
        services.AddHealthChecks().AddAccuSceneCacheCheck();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.That(report.Entries["cache"].Data["latency_ms"], Is.EqualTo(250.0));
    }

    [Test]
    public async Task Cache_ThatLosesTheValue_IsUnhealthy()
    {
        var result = await new DistributedCacheHealthCheck(new CountingCache { Forget = true }).CheckHealthAsync(Context);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Does.Contain("differs"));
    }

    private sealed class CountingCache : IDistributedCache
    {
        private readonly Dictionary<string, byte[]> _values = [];

        public bool Forget { get; init; }

        public Action? OnGet { get; init; }

        public int Sets { get; private set; }

        public int Gets { get; private set; }

        public int Removes { get; private set; }

        public int Count => _values.Count;

        public byte[]? Get(string key) => this.GetAsync(key).Result;

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            this.Gets++;
            this.OnGet?.Invoke();
            return Task.FromResult(_values.GetValueOrDefault(key));
        }

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => this.RemoveAsync(key).Wait();

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            this.Removes++;
            _values.Remove(key);
            return Task.CompletedTask;
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => this.SetAsync(key, value, options).Wait();

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            this.Sets++;
            if (!this.Forget)
            {
                _values[key] = value;
            }

            return Task.CompletedTask;
        }
    }
}
