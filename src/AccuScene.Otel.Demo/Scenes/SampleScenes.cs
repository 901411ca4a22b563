namespace AccuScene.Otel.Demo.Scenes;

/// <summary>Accident scenes to seed the database with and to vary in the load generator.</summary>
internal static class SampleScenes
{
    public static IReadOnlyList<Scene> Seed { get; } =
    [
        new("scene-1", "T-bone at a junction", [new("car", 1450, -40, 0, 22, 0), new("van", 2100, 0, -35, 0, 18, 2.6)]),
        new("scene-2", "Head-on on a rural road", [new("saloon", 1500, -30, 0.5, 20, 0), new("hatchback", 1200, 30, -0.5, -15, 0, 2.0)]),
        new("scene-3", "Rear-end at lights", [new("suv", 2200, -25, 0, 16, 0, 2.5), new("car", 1300, 0, 0, 0, 0), new("taxi", 1500, 6, 0, 0, 0)]),
        new("scene-4", "Side-swipe on a bend", [new("coupe", 1350, -20, -1.5, 25, 2), new("estate", 1600, -5, 1.5, 18, -1)]),
        new("scene-5", "Four-way junction pile-up", [new("bus", 12000, -45, 0, 12, 0, 5.5, 0.6), new("car", 1400, 0, -30, 0, 14), new("van", 2300, 35, 2, -13, 0, 2.6), new("bike", 250, 0, 25, 0, -9, 1.0, 0.9)]),
    ];

    /// <summary>A variation of a seed scene: speeds scaled by 0.6 to 1.4, a new id.</summary>
    public static CreateSceneRequest Variation(Random random, int index)
    {
        var template = Seed[index % Seed.Count];
        var factor = 0.6 + (0.8 * random.NextDouble());
        return new CreateSceneRequest(
            template.Name + " (variation)",
            [.. template.Vehicles.Select(v => v with { Vx = v.Vx * factor, Vy = v.Vy * factor })]);
    }
}
