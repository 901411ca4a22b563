using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health.Checks;

/// <summary>
/// The process is alive and not stuck: the scheduler got a thread-pool thread to run this check. It never
/// looks at a dependency. The thread pool's queue length and thread count are in the data.
/// </summary>
internal sealed class LivenessHealthCheck : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["thread_pool_pending_work_items"] = ThreadPool.PendingWorkItemCount,
            ["thread_pool_threads"] = ThreadPool.ThreadCount,
        };
        return Task.FromResult(HealthCheckResult.Healthy(
            string.Create(CultureInfo.InvariantCulture, $"The process is running; {ThreadPool.PendingWorkItemCount} work item(s) queued."), data));
    }
}
