using System.Text.Json.Serialization;

namespace AccuScene.Otel.Demo;

/// <summary>A scene as the demo API returns it.</summary>
internal sealed record SceneDto(string Id, int VehicleCount);

[JsonSerializable(typeof(SceneDto))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;

internal static partial class DemoLog
{
    [LoggerMessage(10, LogLevel.Information, "Loaded scene {SceneId} (propagated scene {PropagatedSceneId})")]
    public static partial void SceneLoaded(ILogger logger, string sceneId, string? propagatedSceneId);
}
