using AccuScene.Otel.Demo.Physics;
using AccuScene.Otel.Demo.Scenes;

namespace AccuScene.Otel.Demo.Simulation;

/// <summary>A scene's vehicles set up in a <see cref="CollisionWorld"/>, and the result read back from it.</summary>
internal static class Reconstruction
{
    /// <summary>The fixed timestep: 120 Hz.</summary>
    public const double Timestep = 1.0 / 120;

    /// <summary>The longest reconstruction, in simulated seconds.</summary>
    public const double MaxSeconds = 10;

    public static CollisionWorld CreateWorld(Scene scene) =>
        new([.. scene.Vehicles.Select(v => new Vehicle(v.Id, v.MassKg, new Vector2(v.X, v.Y), new Vector2(v.Vx, v.Vy), v.RadiusM, v.Friction))], Timestep);

    public static bool Finished(CollisionWorld world) => world.AllAtRest || world.Time >= MaxSeconds;

    public static SimulationResult Result(string sceneId, CollisionWorld world, IEnumerable<Collision> collisions, DateTimeOffset completedAt) => new(
        sceneId,
        world.Time,
        world.Steps,
        world.Timestep,
        [.. collisions.Select(c => new CollisionResult(Math.Round(c.Time, 4), c.First, c.Second, Math.Round(c.ClosingSpeed, 3), Math.Round(c.Impulse, 1)))],
        [.. world.Vehicles.Select(v => new VehicleResult(
            v.Id,
            Math.Round(v.Position.X, 3),
            Math.Round(v.Position.Y, 3),
            Math.Round(v.SkidDistance, 3),
            Math.Round(v.DeltaV, 3)))],
        completedAt);
}
