using System.Text.Json.Serialization;

namespace AccuScene.Otel.Demo.Scenes;

/// <summary>A vehicle of a scene: its mass, its position and velocity at the start of the reconstruction, its footprint and tyre friction.</summary>
internal sealed record VehicleSpec(string Id, double MassKg, double X, double Y, double Vx, double Vy, double RadiusM = 2.2, double Friction = 0.7);

/// <summary>An accident scene.</summary>
internal sealed record Scene(string Id, string Name, IReadOnlyList<VehicleSpec> Vehicles);

/// <summary>The body of <c>POST /scenes</c>.</summary>
internal sealed record CreateSceneRequest(string? Name, List<VehicleSpec>? Vehicles);

/// <summary>A collision the reconstruction found.</summary>
internal sealed record CollisionResult(double TimeS, string First, string Second, double ClosingSpeedMs, double ImpulseNs);

/// <summary>Where a vehicle came to rest, how far it skidded, and its speed change in the collisions.</summary>
internal sealed record VehicleResult(string Id, double RestX, double RestY, double SkidDistanceM, double DeltaVMs);

/// <summary>The outcome of a reconstruction.</summary>
internal sealed record SimulationResult(
    string SceneId,
    double SimulatedSeconds,
    long Steps,
    double TimestepS,
    IReadOnlyList<CollisionResult> Collisions,
    IReadOnlyList<VehicleResult> Vehicles,
    DateTimeOffset CompletedAt);

/// <summary>The answer of <c>POST /scenes/{id}/simulate</c>.</summary>
internal sealed record SimulationAccepted(string SceneId, string Status, string Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Scene))]
[JsonSerializable(typeof(CreateSceneRequest))]
[JsonSerializable(typeof(SimulationResult))]
[JsonSerializable(typeof(SimulationAccepted))]
[JsonSerializable(typeof(AccuScene.Otel.Demo.Chaos.ChaosStarted))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;

internal static partial class DemoLog
{
    [LoggerMessage(10, LogLevel.Debug, "Loaded scene {SceneId} (propagated scene {PropagatedSceneId})")]
    public static partial void SceneLoaded(ILogger logger, string sceneId, string? propagatedSceneId);
}
