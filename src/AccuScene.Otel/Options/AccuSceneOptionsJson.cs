using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccuScene.Otel;

/// <summary>
/// Writes the effective <see cref="AccuSceneOptions"/> as JSON shaped like <c>appsettings.json</c>
/// (<c>{ "AccuScene": { ... } }</c>) and reads it back. Uses System.Text.Json source generation, so it is
/// trim- and AOT-safe.
/// </summary>
internal static class AccuSceneOptionsJson
{
    /// <summary>Serialises <paramref name="options"/> under an <c>AccuScene</c> property.</summary>
    /// <param name="options">The options to write.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(AccuSceneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return JsonSerializer.Serialize(new AccuSceneConfigurationDocument { AccuScene = options }, AccuSceneOptionsJsonContext.Default.AccuSceneConfigurationDocument);
    }

    /// <summary>Reads options written by <see cref="Serialize"/> and validates them.</summary>
    /// <param name="json">The JSON document.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is not valid JSON for the options tree (the inner exception says where).</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A value is out of range.</exception>
    public static AccuSceneOptions Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        AccuSceneConfigurationDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, AccuSceneOptionsJsonContext.Default.AccuSceneConfigurationDocument);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"The options JSON is not valid: {ex.Message}", nameof(json), ex);
        }

        var options = document?.AccuScene ?? throw new ArgumentException("The options JSON has no 'AccuScene' object.", nameof(json));
        AccuSceneOptionsValidator.ThrowIfInvalid(options);
        return options;
    }
}

/// <summary>The <c>appsettings.json</c>-shaped wrapper around <see cref="AccuSceneOptions"/>.</summary>
internal sealed class AccuSceneConfigurationDocument
{
    public AccuSceneOptions? AccuScene { get; set; }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AccuSceneConfigurationDocument))]
internal sealed partial class AccuSceneOptionsJsonContext : JsonSerializerContext;
