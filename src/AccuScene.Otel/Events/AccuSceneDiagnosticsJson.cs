using System.Text.Json;
using System.Text.Json.Serialization;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Profiling;

namespace AccuScene.Otel.Events;

/// <summary>JSON of event pages and profiling reports, by System.Text.Json source generation (snake_case names).</summary>
internal static class AccuSceneDiagnosticsJson
{
    /// <summary>Writes an event page.</summary>
    /// <param name="page">The page.</param>
    /// <param name="output">The stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is written.</returns>
    public static Task WriteAsync(AccuSceneEventPage page, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return JsonSerializer.SerializeAsync(output, page, AccuSceneDiagnosticsJsonContext.Default.AccuSceneEventPage, cancellationToken);
    }

    /// <summary>Writes a profiling report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">The stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is written.</returns>
    public static Task WriteAsync(ProfilingReport report, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return JsonSerializer.SerializeAsync(output, report, ProfilingJsonContext.Default.ProfilingReport, cancellationToken);
    }

    /// <summary>Serialises a comparison of two sessions.</summary>
    /// <param name="comparison">The comparison from <see cref="AccuSceneProfiler.Compare"/>.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(IReadOnlyList<ProfilingScopeComparison> comparison) =>
        JsonSerializer.Serialize(comparison, ProfilingJsonContext.Indented.IReadOnlyListProfilingScopeComparison);

    /// <summary>Serialises an event page.</summary>
    /// <param name="page">The page.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(AccuSceneEventPage page) => JsonSerializer.Serialize(page, AccuSceneDiagnosticsJsonContext.Indented.AccuSceneEventPage);

    /// <summary>Serialises a profiling report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(ProfilingReport report) => JsonSerializer.Serialize(report, ProfilingJsonContext.Indented.ProfilingReport);
}

internal sealed class SeverityJsonConverter() : JsonStringEnumConverter<AccuSceneEventSeverity>(JsonNamingPolicy.SnakeCaseLower);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(SeverityJsonConverter)])]
[JsonSerializable(typeof(AccuSceneEventPage))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class AccuSceneDiagnosticsJsonContext : JsonSerializerContext
{
    private static AccuSceneDiagnosticsJsonContext? _indented;

    public static AccuSceneDiagnosticsJsonContext Indented =>
        _indented ??= new AccuSceneDiagnosticsJsonContext(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}

// Profiling figures are for people: four significant digits, and null for a ratio over nothing.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(DisplayDoubleJsonConverter)])]
[JsonSerializable(typeof(ProfilingReport))]
[JsonSerializable(typeof(IReadOnlyList<ProfilingScopeComparison>))]
internal sealed partial class ProfilingJsonContext : JsonSerializerContext
{
    private static ProfilingJsonContext? _indented;

    public static ProfilingJsonContext Indented =>
        _indented ??= new ProfilingJsonContext(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
