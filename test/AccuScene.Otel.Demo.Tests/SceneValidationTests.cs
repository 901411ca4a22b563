using AccuScene.Otel.Demo.Scenes;

namespace AccuScene.Otel.Demo.Tests;

public class SceneValidationTests
{
    [Test]
    public void EverySeedScene_IsValid()
    {
        foreach (var scene in SampleScenes.Seed)
        {
            Assert.That(SceneValidation.Validate(new CreateSceneRequest(scene.Name, [.. scene.Vehicles])), Is.Empty, scene.Name);
        }
    }

    [Test]
    public void BadScenes_AreRefusedWithTheFieldAndTheRange()
    {
        var one = SceneValidation.Validate(new CreateSceneRequest(null, [new VehicleSpec("a", 1500, 0, 0, 0, 0)]));
        var bad = SceneValidation.Validate(new CreateSceneRequest("x", [new VehicleSpec("a", 5, 0, 0, 0, 0), new VehicleSpec("b", 1500, 0, 0, double.NaN, 0, RadiusM: 0)]));
        var twins = SceneValidation.Validate(new CreateSceneRequest("x", [new VehicleSpec("a", 1500, 0, 0, 0, 0), new VehicleSpec("a", 1500, 10, 0, 0, 0)]));

        Assert.That(one["vehicles"], Is.EqualTo(new[] { "a scene needs 2 to 8 vehicles; it has 1" }));
        Assert.That(bad["vehicles[0]"], Is.EqualTo(new[] { "mass_kg must be between 100 and 60000" }));
        Assert.That(bad["vehicles[1]"], Is.EqualTo(new[] { "the speed must be at most 70 m/s", "radius_m must be between 1 and 10" }));
        Assert.That(twins["vehicles"], Is.EqualTo(new[] { "vehicle ids must be unique within the scene" }));
        var withNull = SceneValidation.Validate(new CreateSceneRequest("x", [new VehicleSpec("a", 1500, 0, 0, 0, 0), null!]));
        Assert.That(withNull["vehicles[1]"], Is.EqualTo(new[] { "must be a vehicle, not null" }), "a null element is a 400, not a crash");
    }

    [TestCase(new[] { "--rate", "5" }, 5.0)]
    [TestCase(new[] { "--rate=5" }, 5.0)]
    [TestCase(new string[0], DemoArguments.DefaultRate)]
    public void TheRateSwitch_IsParsed(string[] args, double rate) =>
        Assert.That(DemoArguments.Parse(args).Rate, Is.EqualTo(rate));

    [Test]
    public void SwitchesWithAnEqualsSign_AreTheDemosNotTheHosts()
    {
        var parsed = DemoArguments.Parse(["--duration=20s", "--urls=http://127.0.0.1:6000", "--AccuScene:Exporters:Prometheus:Port=9465"]);

        Assert.That((parsed.Duration, parsed.HostArguments), Is.EqualTo((TimeSpan.FromSeconds(20), new[] { "--urls=http://127.0.0.1:6000", "--AccuScene:Exporters:Prometheus:Port=9465" })));
        Assert.That(() => DemoArguments.Parse(["--duration=soon"]), Throws.ArgumentException.With.Message.Contains("'soon'"));
    }

    [TestCase("0")]
    [TestCase("fast")]
    [TestCase("1000")]
    [TestCase("NaN")]
    public void ABadRate_IsRefusedWithTheRange(string value) =>
        Assert.That(() => DemoArguments.Parse(["--rate", value]), Throws.ArgumentException.With.Message.Contains("0.1 to 100"));
}
