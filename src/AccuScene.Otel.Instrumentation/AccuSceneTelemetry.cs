using System.Diagnostics;
using System.Reflection;

namespace AccuScene.Otel.Instrumentation;

/// <summary>
/// Names and shared sources of AccuScene telemetry. Every <see cref="ActivitySource"/> and
/// <see cref="System.Diagnostics.Metrics.Meter"/> whose name is <see cref="SourceName"/> or starts with
/// <see cref="SourceNamePrefix"/> is collected by <c>AddAccuScene()</c>.
/// </summary>
public static class AccuSceneTelemetry
{
    /// <summary>The root source and meter name: <c>AccuScene</c>.</summary>
    public const string SourceName = "AccuScene";

    /// <summary>The prefix of a team's own sources and meters: <c>AccuScene.</c>.</summary>
    public const string SourceNamePrefix = "AccuScene.";

    /// <summary>
    /// Gets the version stamped on the shared <see cref="ActivitySource"/> and the instrument sets' meters: the
    /// package version, without the <c>+commit</c> build metadata (which would give every build's telemetry
    /// another instrumentation scope version).
    /// </summary>
    public static string Version { get; } =
        (typeof(AccuSceneTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>Gets the shared <see cref="ActivitySource"/> named <see cref="SourceName"/>.</summary>
    public static ActivitySource ActivitySource { get; } = new(SourceName, Version);

    /// <summary>
    /// Returns whether <paramref name="name"/> is an AccuScene source or meter name
    /// (<c>AccuScene</c> or <c>AccuScene.*</c>, compared ordinally).
    /// </summary>
    /// <param name="name">A source or meter name.</param>
    /// <returns><see langword="true"/> when AccuScene collects it.</returns>
    public static bool IsAccuSceneName(string? name) =>
        name is not null
        && (string.Equals(name, SourceName, StringComparison.Ordinal)
            || name.StartsWith(SourceNamePrefix, StringComparison.Ordinal));
}
