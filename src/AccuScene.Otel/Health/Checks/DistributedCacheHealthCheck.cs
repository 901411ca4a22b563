using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health.Checks;

/// <summary>
/// A set, get and remove round trip through <see cref="IDistributedCache"/> (Redis, SQL Server, or the
/// in-memory <c>MemoryDistributedCache</c>) with a unique key that expires after a minute. Unhealthy when a
/// call fails or the value read back differs; the round trip's latency is in <c>latency_ms</c>, read from the
/// <see cref="TimeProvider"/> the check is given (the container's, else the system's).
/// </summary>
internal sealed class DistributedCacheHealthCheck : IHealthCheck
{
    private static readonly DistributedCacheEntryOptions Expiry = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) };

    private readonly IDistributedCache _cache;
    private readonly TimeProvider _time;

    /// <summary>Checks <paramref name="cache"/>.</summary>
    /// <param name="cache">The cache.</param>
    /// <param name="time">The clock the latency is read from.</param>
    public DistributedCacheHealthCheck(IDistributedCache cache, TimeProvider? time = null)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var key = "accuscene:health:" + Guid.NewGuid().ToString("N");
        var value = Guid.NewGuid().ToByteArray();
        var started = _time.GetTimestamp();
        try
        {
            await _cache.SetAsync(key, value, Expiry, cancellationToken).ConfigureAwait(false);
            var read = await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
            await _cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            if (read is null || !read.AsSpan().SequenceEqual(value))
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "The value read back from the cache differs from the value written.");
            }

            var latency = _time.GetElapsedTime(started).TotalMilliseconds;
            return HealthCheckResult.Healthy("Set, get and remove succeeded.", new Dictionary<string, object> { ["latency_ms"] = Math.Round(latency, 3) });
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message, ex);
        }
    }
}
