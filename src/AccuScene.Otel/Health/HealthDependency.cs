namespace AccuScene.Otel.Health;

/// <summary>The dependency a health check covers.</summary>
/// <param name="Name">The dependency, for example <c>scenes-db</c>.</param>
/// <param name="Kind">Its kind: <c>database</c>, <c>cache</c>, <c>http</c>, <c>memory</c>, <c>process</c>…</param>
/// <param name="Critical">
/// Whether the service cannot serve without it. A failing non-critical dependency makes readiness
/// Degraded (still 200), not Unhealthy.
/// </param>
public sealed record HealthDependency(string Name, string Kind, bool Critical = true);

/// <summary>The questions a probe asks.</summary>
public enum HealthProbe
{
    /// <summary>Is the process alive and not stuck? Only checks tagged <see cref="HealthTags.Live"/>; never a dependency.</summary>
    Live,

    /// <summary>Is it ready for traffic? Every check.</summary>
    Ready,

    /// <summary>
    /// Has it started? Checks tagged <see cref="HealthTags.Startup"/> (503 until each has run once, and while a
    /// critical one is Unhealthy), or, when none is, every check: 503 until each has run once, whatever its result.
    /// </summary>
    Startup,
}

/// <summary>The tags that place a check in a probe.</summary>
public static class HealthTags
{
    /// <summary>The check belongs to the liveness probe.</summary>
    public const string Live = "live";

    /// <summary>The check belongs to the readiness probe (every check does).</summary>
    public const string Ready = "ready";

    /// <summary>The check belongs to the startup probe.</summary>
    public const string Startup = "startup";
}

/// <summary>What AccuScene knows of one registered check, by registration name.</summary>
internal sealed record HealthCheckMetadata(string Name, HealthDependency? Dependency, AccuSceneHealthCheckOptions? Schedule);
