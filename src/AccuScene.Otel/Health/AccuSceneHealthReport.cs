using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health;

/// <summary>A probe's answer, read from the cached results; building it never runs a check.</summary>
public sealed record AccuSceneHealthReport
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal AccuSceneHealthReport(HealthProbe probe, HealthStatus status, DateTimeOffset generatedAt, IReadOnlyList<AccuSceneHealthEntry> entries)
    {
        this.Probe = probe;
        this.Status = status;
        this.GeneratedAt = generatedAt;
        this.Entries = entries;
    }

    /// <summary>Gets the probe.</summary>
    public HealthProbe Probe { get; init; }

    /// <summary>
    /// Gets the probe's status. Liveness and readiness: Unhealthy when a critical check is Unhealthy (or, for readiness,
    /// has not run yet); Degraded when any is Degraded or a non-critical one is Unhealthy or, for readiness, has not run
    /// yet. Startup: Unhealthy while any check it covers has not run yet, critical or not; after that, with no check
    /// tagged <c>startup</c>, an Unhealthy check only makes it Degraded (a dependency that is down is readiness'
    /// business), and with checks tagged <c>startup</c>, as readiness over those.
    /// </summary>
    public HealthStatus Status { get; init; }

    /// <summary>Gets when the answer was built.</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Gets the checks the probe covers.</summary>
    public IReadOnlyList<AccuSceneHealthEntry> Entries { get; init; }

    /// <summary>Gets the HTTP status of the probe: 200 when Healthy or Degraded, 503 when Unhealthy.</summary>
    public int HttpStatusCode => this.Status == HealthStatus.Unhealthy ? 503 : 200;
}

/// <summary>The cached state of one check.</summary>
public sealed record AccuSceneHealthEntry
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal AccuSceneHealthEntry(string name, HealthStatus status, HealthStatus? lastResult, string? description, TimeSpan? lastDuration, DateTimeOffset? lastRun, DateTimeOffset? lastSuccess, int consecutiveFailures, int consecutiveSuccesses, HealthDependency? dependency, IReadOnlyList<string> tags, IReadOnlyDictionary<string, object> data)
    {
        this.Name = name;
        this.Status = status;
        this.LastResult = lastResult;
        this.Description = description;
        this.LastDuration = lastDuration;
        this.LastRun = lastRun;
        this.LastSuccess = lastSuccess;
        this.ConsecutiveFailures = consecutiveFailures;
        this.ConsecutiveSuccesses = consecutiveSuccesses;
        this.Dependency = dependency;
        this.Tags = tags;
        this.Data = data;
    }

    /// <summary>Gets the registration name.</summary>
    public string Name { get; init; }

    /// <summary>Gets the status after the failure and success thresholds.</summary>
    public HealthStatus Status { get; init; }

    /// <summary>Gets what the last run returned.</summary>
    public HealthStatus? LastResult { get; init; }

    /// <summary>Gets the last run's description, for example <c>timed out after 00:00:05</c>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets how long the last run took.</summary>
    public TimeSpan? LastDuration { get; init; }

    /// <summary>Gets when the last run ended; <see langword="null"/> before the first.</summary>
    public DateTimeOffset? LastRun { get; init; }

    /// <summary>Gets when a run last returned Healthy or Degraded.</summary>
    public DateTimeOffset? LastSuccess { get; init; }

    /// <summary>Gets the number of Unhealthy runs in a row.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>Gets the number of Healthy or Degraded runs in a row.</summary>
    public int ConsecutiveSuccesses { get; init; }

    /// <summary>Gets the dependency it covers, when it names one.</summary>
    public HealthDependency? Dependency { get; init; }

    /// <summary>Gets its tags.</summary>
    public IReadOnlyList<string> Tags { get; init; }

    /// <summary>Gets the last run's data, for example a query's latency.</summary>
    public IReadOnlyDictionary<string, object> Data { get; init; }

    /// <summary>Gets a value indicating whether the check has not run yet.</summary>
    public bool Pending => this.LastRun is null;

    /// <summary>Gets a value indicating whether a failure of this check makes the service Unhealthy rather than Degraded.</summary>
    public bool Critical => this.Dependency?.Critical ?? true;
}

/// <summary>A check's status changed after its thresholds.</summary>
public sealed record HealthStatusChange
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal HealthStatusChange(string name, HealthStatus? previous, HealthStatus current, AccuSceneHealthEntry entry)
    {
        this.Name = name;
        this.Previous = previous;
        this.Current = current;
        this.Entry = entry;
    }

    /// <summary>Gets the check.</summary>
    public string Name { get; init; }

    /// <summary>Gets the status before; <see langword="null"/> on the first result.</summary>
    public HealthStatus? Previous { get; init; }

    /// <summary>Gets the status now.</summary>
    public HealthStatus Current { get; init; }

    /// <summary>Gets the check's state now.</summary>
    public AccuSceneHealthEntry Entry { get; init; }
}
