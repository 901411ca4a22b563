using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health.Checks;

/// <summary>
/// The GC heap size and the process working set against two thresholds: Degraded at or above the first,
/// Unhealthy at or above the second (whichever of the two figures is larger counts). Both figures are in
/// the data.
/// </summary>
internal sealed class MemoryHealthCheck : IHealthCheck
{
    private readonly long _degradedBytes;
    private readonly long _unhealthyBytes;
    private readonly Func<(long HeapBytes, long WorkingSetBytes)> _read;

    /// <summary>Creates the check.</summary>
    /// <param name="degradedBytes">Degraded at or above this many bytes; positive.</param>
    /// <param name="unhealthyBytes">Unhealthy at or above this many bytes; not below <paramref name="degradedBytes"/>.</param>
    public MemoryHealthCheck(long degradedBytes, long unhealthyBytes)
        : this(degradedBytes, unhealthyBytes, static () => (GC.GetGCMemoryInfo().HeapSizeBytes, Environment.WorkingSet))
    {
    }

    internal MemoryHealthCheck(long degradedBytes, long unhealthyBytes, Func<(long HeapBytes, long WorkingSetBytes)> read)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degradedBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(unhealthyBytes, degradedBytes);
        _degradedBytes = degradedBytes;
        _unhealthyBytes = unhealthyBytes;
        _read = read;
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (heap, workingSet) = _read();
        var used = Math.Max(heap, workingSet);
        var data = new Dictionary<string, object>
        {
            ["gc_heap_bytes"] = heap,
            ["working_set_bytes"] = workingSet,
            ["degraded_bytes"] = _degradedBytes,
            ["unhealthy_bytes"] = _unhealthyBytes,
        };
        var description = string.Create(CultureInfo.InvariantCulture, $"GC heap {heap / (1024 * 1024)} MiB, working set {workingSet / (1024 * 1024)} MiB");
        var result = used >= _unhealthyBytes
            ? new HealthCheckResult(context.Registration.FailureStatus, description + string.Create(CultureInfo.InvariantCulture, $" (Unhealthy at {_unhealthyBytes / (1024 * 1024)} MiB)"), data: data)
            : used >= _degradedBytes
                ? HealthCheckResult.Degraded(description + string.Create(CultureInfo.InvariantCulture, $" (Degraded at {_degradedBytes / (1024 * 1024)} MiB)"), data: data)
                : HealthCheckResult.Healthy(description, data);
        return Task.FromResult(result);
    }
}
