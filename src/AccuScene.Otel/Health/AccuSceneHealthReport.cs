using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health;

/// <summary>A probe's answer, read from the cached results; building it never runs a check.</summary>
/// <param name="Probe">The probe.</param>
/// <param name="Status">Unhealthy when a critical check is Unhealthy (or, for readiness and startup, has not run yet); Degraded when any is Degraded or a non-critical one is Unhealthy.</param>
/// <param name="GeneratedAt">When the answer was built.</param>
/// <param name="Entries">The checks the probe covers.</param>
public sealed record AccuSceneHealthReport(HealthProbe Probe, HealthStatus Status, DateTimeOffset GeneratedAt, IReadOnlyList<AccuSceneHealthEntry> Entries)
{
    /// <summary>Gets the HTTP status of the probe: 200 when Healthy or Degraded, 503 when Unhealthy.</summary>
    public int HttpStatusCode => this.Status == HealthStatus.Unhealthy ? 503 : 200;
}

/// <summary>The cached state of one check.</summary>
/// <param name="Name">The registration name.</param>
/// <param name="Status">The status after the failure and success thresholds.</param>
/// <param name="LastResult">What the last run returned.</param>
/// <param name="Description">The last run's description, for example <c>timed out after 00:00:05</c>.</param>
/// <param name="LastDuration">How long the last run took.</param>
/// <param name="LastRun">When the last run ended; <see langword="null"/> before the first.</param>
/// <param name="LastSuccess">When a run last returned Healthy or Degraded.</param>
/// <param name="ConsecutiveFailures">Unhealthy runs in a row.</param>
/// <param name="ConsecutiveSuccesses">Healthy or Degraded runs in a row.</param>
/// <param name="Dependency">The dependency it covers, when it names one.</param>
/// <param name="Tags">Its tags.</param>
/// <param name="Data">The last run's data, for example a query's latency.</param>
public sealed record AccuSceneHealthEntry(
    string Name,
    HealthStatus Status,
    HealthStatus? LastResult,
    string? Description,
    TimeSpan? LastDuration,
    DateTimeOffset? LastRun,
    DateTimeOffset? LastSuccess,
    int ConsecutiveFailures,
    int ConsecutiveSuccesses,
    HealthDependency? Dependency,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, object> Data)
{
    /// <summary>Gets a value indicating whether the check has not run yet.</summary>
    public bool Pending => this.LastRun is null;

    /// <summary>Gets a value indicating whether a failure of this check makes the service Unhealthy rather than Degraded.</summary>
    public bool Critical => this.Dependency?.Critical ?? true;
}

/// <summary>A check's status changed after its thresholds.</summary>
/// <param name="Name">The check.</param>
/// <param name="Previous">The status before; <see langword="null"/> on the first result.</param>
/// <param name="Current">The status now.</param>
/// <param name="Entry">The check's state now.</param>
public sealed record HealthStatusChange(string Name, HealthStatus? Previous, HealthStatus Current, AccuSceneHealthEntry Entry);
