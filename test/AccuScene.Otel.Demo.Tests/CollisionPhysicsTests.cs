using AccuScene.Otel.Demo.Physics;
using AccuScene.Otel.Demo.Scenes;
using AccuScene.Otel.Demo.Simulation;

namespace AccuScene.Otel.Demo.Tests;

public class CollisionPhysicsTests
{
    [Test]
    public void AHeadOnImpact_ConservesMomentum_AndAPlasticOneLeavesACommonVelocity()
    {
        // 1500 kg at +20 m/s meets 1200 kg at -10 m/s, no friction, restitution 0 (perfectly plastic).
        // Hand-computed: p = 1500·20 − 1200·10 = 18000 kg·m/s; common velocity 18000 / 2700 = 6.6667 m/s.
        // skidding with μ = 0: no friction at all, before or after the impact.
        var a = new Vehicle("a", 1500, new Vector2(-3, 0), new Vector2(20, 0), radiusM: 2, tyreFriction: 0, skidding: true);
        var b = new Vehicle("b", 1200, new Vector2(3, 0), new Vector2(-10, 0), radiusM: 2, tyreFriction: 0, skidding: true);
        var world = new CollisionWorld([a, b], timestep: 1.0 / 120, restitution: 0);
        var collisions = new List<Collision>();
        while (collisions.Count == 0 && world.Steps < 1000)
        {
            world.Step(collisions);
        }

        Assert.That(collisions, Has.Count.EqualTo(1), "one impact within 1000 steps");
        Assert.That(a.Momentum.X + b.Momentum.X, Is.EqualTo(18000).Within(1e-6), "momentum before = after");
        Assert.That(a.Velocity.X, Is.EqualTo(18000.0 / 2700).Within(1e-9));
        Assert.That(b.Velocity.X, Is.EqualTo(18000.0 / 2700).Within(1e-9));
        Assert.That(collisions.Single().ClosingSpeed, Is.EqualTo(30).Within(1e-9), "they closed at 20 + 10 m/s");
        Assert.That(collisions.Single().Impulse, Is.EqualTo(30 / ((1 / 1500.0) + (1 / 1200.0))).Within(1e-6), "j = v_closing / (1/m_a + 1/m_b) = 20000 N·s");
        Assert.That(a.DeltaV, Is.EqualTo(20 - (18000.0 / 2700)).Within(1e-9), "Δv of the heavier car: 13.33 m/s");
        Assert.That(b.DeltaV, Is.EqualTo(10 + (18000.0 / 2700)).Within(1e-9), "Δv of the lighter car: 16.67 m/s");
    }

    [Test]
    public void AnElasticImpactOfEqualMasses_SwapsTheVelocities_AndConservesMomentumAndEnergy()
    {
        var a = new Vehicle("a", 1000, new Vector2(-2.05, 0), new Vector2(10, 0), radiusM: 2, tyreFriction: 0, skidding: true);
        var b = new Vehicle("b", 1000, new Vector2(2.05, 0), Vector2.Zero, radiusM: 2, tyreFriction: 0, skidding: true);
        var world = new CollisionWorld([a, b], restitution: 1);
        var collisions = new List<Collision>();
        var before = world.TotalMomentum;
        while (collisions.Count == 0 && world.Steps < 1000)
        {
            world.Step(collisions);
        }

        Assert.That(collisions, Has.Count.EqualTo(1), "one impact within 1000 steps");

        var energy = (0.5 * a.Mass * a.Velocity.Dot(a.Velocity)) + (0.5 * b.Mass * b.Velocity.Dot(b.Velocity));
        Assert.That(world.TotalMomentum.X, Is.EqualTo(before.X).Within(1e-6));
        Assert.That(b.Velocity.X, Is.EqualTo(10).Within(1e-9), "b leaves with a's speed");
        Assert.That(Math.Abs(a.Velocity.X), Is.LessThan(1e-9), "a stops");
        Assert.That(energy, Is.EqualTo(0.5 * 1000 * 10 * 10).Within(1e-6), "no kinetic energy lost with e = 1");
    }

    [Test]
    public void ASkiddingCar_StopsWithinTheHandComputedDistance()
    {
        // v0 = 20 m/s, μ = 0.7, g = 9.81: d = v0² / (2μg) = 400 / 13.734 = 29.125 m, after t = v0 / (μg) = 2.912 s.
        // Semi-implicit Euler at 120 Hz stops v0·dt/2 = 0.083 m short of it.
        var car = new Vehicle("car", 1400, Vector2.Zero, new Vector2(20, 0), tyreFriction: 0.7, skidding: true);
        var world = new CollisionWorld([car], timestep: 1.0 / 120);
        var collisions = new List<Collision>();
        while (!world.AllAtRest && world.Steps < 10_000)
        {
            world.Step(collisions);
        }

        Assert.That(car.Position.X, Is.EqualTo(29.125 - 0.083).Within(0.01));
        Assert.That(car.SkidDistance, Is.EqualTo(car.Position.X).Within(1e-9), "the skid is the whole path");
        Assert.That(world.Time, Is.EqualTo(2.912).Within(1.0 / 120));
        Assert.That(collisions, Is.Empty);
    }

    [Test]
    public void EverySeedScene_ReconstructsToFiniteRestPositions_WithAtLeastOneCollision()
    {
        foreach (var scene in SampleScenes.Seed)
        {
            // Through JSON as the API carries it, so the reconstruction sees what the worker sees.
            var json = System.Text.Json.JsonSerializer.Serialize(scene, DemoJsonContext.Default.Scene);
            var world = Reconstruction.CreateWorld(System.Text.Json.JsonSerializer.Deserialize(json, DemoJsonContext.Default.Scene)!);
            var collisions = new List<Collision>();
            var momentum = world.TotalMomentum;
            while (!Reconstruction.Finished(world))
            {
                world.Step(collisions);
            }

            Assert.That(collisions, Is.Not.Empty, scene.Name);
            Assert.That(world.Vehicles.All(v => double.IsFinite(v.Position.X) && double.IsFinite(v.Position.Y) && double.IsFinite(v.Velocity.X)), Is.True, scene.Name);
            Assert.That(collisions.All(c => double.IsFinite(c.ClosingSpeed) && c.ClosingSpeed > 0), Is.True, scene.Name);
            Assert.That(world.TotalMomentum.Length, Is.LessThanOrEqualTo(momentum.Length + 1e-6), scene.Name + ": friction only takes momentum away");
        }
    }

    [Test]
    public void TheOrderOfTheVehicles_DoesNotMatter()
    {
        // The seed scenes have one contact at a time, so the pair order cannot change their outcome.
        foreach (var scene in SampleScenes.Seed)
        {
            Dictionary<string, (double X, double Y, double DeltaV)>? first = null;
            foreach (var order in new[] { scene.Vehicles, [.. scene.Vehicles.Reverse()] })
            {
                var world = Reconstruction.CreateWorld(scene with { Vehicles = order });
                var collisions = new List<Collision>();
                while (!Reconstruction.Finished(world))
                {
                    world.Step(collisions);
                }

                var outcome = world.Vehicles.ToDictionary(v => v.Id, v => (Math.Round(v.Position.X, 6), Math.Round(v.Position.Y, 6), Math.Round(v.DeltaV, 6)));
                first ??= outcome;
                Assert.That(outcome, Is.EquivalentTo(first), scene.Name);
            }
        }
    }

    [Test]
    public void AVehicleRollsUntilItsFirstImpact_ThenSkids()
    {
        // Before impact only rolling resistance: 0.015·g = 0.147 m/s² (20 → 19.853 m/s in 1 s).
        // After it, locked wheels: μg = 0.7·9.81 = 6.867 m/s².
        var car = new Vehicle("car", 1500, new Vector2(-40, 0), new Vector2(20, 0));
        var parked = new Vehicle("parked", 1200, new Vector2(25, 0), Vector2.Zero);
        var world = new CollisionWorld([car, parked], restitution: 0);
        var collisions = new List<Collision>();
        for (var i = 0; i < 120; i++)
        {
            world.Step(collisions);
        }

        Assert.That(car.Velocity.X, Is.EqualTo(20 - (Vehicle.RollingResistance * CollisionWorld.Gravity)).Within(1e-9), "1 s of rolling");
        Assert.That((car.Skidding, car.SkidDistance), Is.EqualTo((false, 0.0)));
        while (collisions.Count == 0 && world.Steps < 1000)
        {
            world.Step(collisions);
        }

        var afterImpact = car.Velocity.X;
        world.Step(collisions);
        Assert.That(car.Skidding && parked.Skidding, Is.True, "both skid from the impact on");
        Assert.That(afterImpact - car.Velocity.X, Is.EqualTo(0.7 * CollisionWorld.Gravity / 120).Within(1e-9), "μg per step after it");
    }
}
