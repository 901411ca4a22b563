using System.Text.Json;
using System.Text.Json.Serialization;
using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Dashboard;

/// <summary>JSON of the dashboard model, by System.Text.Json source generation (snake_case names; missing values are <c>null</c>).</summary>
internal static class DashboardJson
{
    /// <summary>Writes <paramref name="model"/> compactly.</summary>
    /// <param name="model">The model.</param>
    /// <param name="output">The stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is written.</returns>
    public static Task WriteAsync(DashboardModel model, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return JsonSerializer.SerializeAsync(output, model, DashboardJsonContext.Default.DashboardModel, cancellationToken);
    }

    /// <summary>Serialises <paramref name="model"/> compactly to UTF-8.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The bytes.</returns>
    public static byte[] SerializeToUtf8Bytes(DashboardModel model) =>
        JsonSerializer.SerializeToUtf8Bytes(model, DashboardJsonContext.Default.DashboardModel);

    /// <summary>Serialises <paramref name="model"/>, indented.</summary>
    /// <param name="model">The model.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(DashboardModel model) => JsonSerializer.Serialize(model, DashboardJsonContext.Indented.DashboardModel);
}

// A figure that is not a finite number (a rate over no time, a model built by hand) is written as null: JSON has no NaN.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(DisplayDoubleJsonConverter)])]
[JsonSerializable(typeof(DashboardModel))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext
{
    private static DashboardJsonContext? _indented;

    public static DashboardJsonContext Indented =>
        _indented ??= new DashboardJsonContext(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
