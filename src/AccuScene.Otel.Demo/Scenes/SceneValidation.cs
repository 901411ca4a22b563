using System.Globalization;

namespace AccuScene.Otel.Demo.Scenes;

/// <summary>What <c>POST /scenes</c> accepts: 2 to 8 vehicles with physical values in plausible ranges.</summary>
internal static class SceneValidation
{
    /// <summary>
    /// 70 m/s (252 km/h). With radii of at least 1 m, two vehicles closing at 140 m/s move 1.17 m per 120 Hz
    /// step, less than their smallest combined radius (2 m), so no impact is stepped over.
    /// </summary>
    public const double MaxSpeed = 70;

    public static Dictionary<string, string[]> Validate(CreateSceneRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Name is { Length: > 200 })
        {
            errors["name"] = ["must be at most 200 characters"];
        }

        var vehicles = request.Vehicles ?? [];
        if (vehicles.Count is < 2 or > 8)
        {
            errors["vehicles"] = [$"a scene needs 2 to 8 vehicles; it has {vehicles.Count}"];
            return errors;
        }

        for (var i = 0; i < vehicles.Count; i++)
        {
            var v = vehicles[i];
            if (v is null)
            {
                errors[string.Create(CultureInfo.InvariantCulture, $"vehicles[{i}]")] = ["must be a vehicle, not null"];
                continue;
            }

            var problems = new List<string>();
            Check(problems, v.Id is { Length: > 0 and <= 64 }, "id must be 1 to 64 characters");
            Check(problems, v.MassKg is >= 100 and <= 60_000, "mass_kg must be between 100 and 60000");
            Check(problems, double.IsFinite(v.X) && double.IsFinite(v.Y) && Math.Abs(v.X) <= 10_000 && Math.Abs(v.Y) <= 10_000, "x and y must be within ±10000 m");
            Check(problems, double.IsFinite(v.Vx) && double.IsFinite(v.Vy) && Math.Sqrt((v.Vx * v.Vx) + (v.Vy * v.Vy)) <= MaxSpeed, "the speed must be at most 70 m/s");
            Check(problems, v.RadiusM is >= 1 and <= 10, "radius_m must be between 1 and 10");
            Check(problems, v.Friction is >= 0 and <= 1.5, "friction must be between 0 and 1.5");
            if (problems.Count > 0)
            {
                errors[string.Create(CultureInfo.InvariantCulture, $"vehicles[{i}]")] = [.. problems];
            }
        }

        if (vehicles.Where(v => v is not null).Select(v => v.Id).Distinct(StringComparer.Ordinal).Count() != vehicles.Count(v => v is not null))
        {
            errors["vehicles"] = ["vehicle ids must be unique within the scene"];
        }

        return errors;
    }

    private static void Check(List<string> problems, bool ok, string problem)
    {
        if (!ok)
        {
            problems.Add(problem);
        }
    }
}
