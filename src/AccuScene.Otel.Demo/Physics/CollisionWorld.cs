namespace AccuScene.Otel.Demo.Physics;

/// <summary>A collision found in one step.</summary>
/// <param name="Time">Simulated time of the step, in seconds.</param>
/// <param name="First">One vehicle.</param>
/// <param name="Second">The other.</param>
/// <param name="ClosingSpeed">The speed at which they approached along the contact normal, m/s.</param>
/// <param name="Impulse">The magnitude of the impulse exchanged, N·s.</param>
internal readonly record struct Collision(double Time, string First, string Second, double ClosingSpeed, double Impulse);

/// <summary>
/// Steps vehicles with a fixed timestep: friction (deceleration μg against the velocity, with rolling
/// resistance before a vehicle's first impact and the tyre–road μ of locked wheels after it),
/// semi-implicit Euler integration, then impulse-based collision response between overlapping, approaching
/// discs with a coefficient of restitution, and a positional correction so they do not sink into each other.
/// Momentum is conserved by every collision; friction only removes speed. Contacts are resolved in one pass,
/// pair by pair, in the vehicles' order. Nothing is swept: a scene must keep the relative movement per step
/// below the discs' combined radius (<see cref="Scenes.SceneValidation"/> bounds speed and radius for the 120 Hz step).
/// </summary>
internal sealed class CollisionWorld
{
    public const double Gravity = 9.81;

    /// <summary>Closing speeds below this (m/s) are resting contact, not an impact.</summary>
    public const double ContactSpeed = 0.5;

    private readonly List<Vehicle> _vehicles;

    public CollisionWorld(IEnumerable<Vehicle> vehicles, double timestep = 1.0 / 120, double restitution = 0.1)
    {
        if (timestep is <= 0 or > 0.1)
        {
            throw new ArgumentOutOfRangeException(nameof(timestep), timestep, "The timestep must be in (0, 0.1] s.");
        }

        if (restitution is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(restitution), restitution, "The restitution must be between 0 and 1.");
        }

        _vehicles = [.. vehicles];
        this.Timestep = timestep;
        this.Restitution = restitution;
    }

    public double Timestep { get; }

    public double Restitution { get; }

    public double Time { get; private set; }

    public long Steps { get; private set; }

    public IReadOnlyList<Vehicle> Vehicles => _vehicles;

    public bool AllAtRest => _vehicles.TrueForAll(v => v.AtRest);

    public Vector2 TotalMomentum => _vehicles.Aggregate(Vector2.Zero, (sum, v) => sum + v.Momentum);

    /// <summary>Advances one fixed step: <see cref="Integrate"/>, then <see cref="ResolveCollisions"/>.</summary>
    /// <param name="collisions">Receives the step's collisions.</param>
    public void Step(List<Collision> collisions)
    {
        this.Integrate();
        this.ResolveCollisions(collisions);
    }

    /// <summary>Applies friction, then moves every vehicle by its new velocity (semi-implicit Euler).</summary>
    public void Integrate()
    {
        var dt = this.Timestep;
        foreach (var vehicle in _vehicles)
        {
            ApplyFriction(vehicle, dt);
            var moved = vehicle.Velocity * dt;
            vehicle.Position += moved;
            if (vehicle.Skidding)
            {
                vehicle.SkidDistance += moved.Length;
            }
        }

        this.Time += dt;
        this.Steps++;
    }

    /// <summary>Resolves every overlapping, approaching pair with an impulse, stamped with the step's end time.</summary>
    /// <param name="collisions">Receives the step's collisions.</param>
    public void ResolveCollisions(List<Collision> collisions)
    {
        for (var i = 0; i < _vehicles.Count; i++)
        {
            for (var j = i + 1; j < _vehicles.Count; j++)
            {
                if (this.Resolve(_vehicles[i], _vehicles[j]) is { } collision)
                {
                    collisions.Add(collision);
                }
            }
        }

    }

    // Kinetic friction: |a| = μg against the velocity, never reversing it within a step.
    private static void ApplyFriction(Vehicle vehicle, double dt)
    {
        var speed = vehicle.Velocity.Length;
        if (speed == 0)
        {
            return;
        }

        var loss = vehicle.Deceleration * Gravity * dt;
        vehicle.Velocity = loss >= speed ? Vector2.Zero : vehicle.Velocity * ((speed - loss) / speed);
    }

    private Collision? Resolve(Vehicle a, Vehicle b)
    {
        var delta = b.Position - a.Position;
        var distance = delta.Length;
        var overlap = a.Radius + b.Radius - distance;
        if (overlap <= 0)
        {
            return null;
        }

        var normal = distance > 0 ? delta / distance : new Vector2(1, 0);
        var approach = (a.Velocity - b.Velocity).Dot(normal);
        var inverseMasses = (1 / a.Mass) + (1 / b.Mass);

        // Push the discs apart along the normal, in inverse proportion to their masses (no momentum change).
        a.Position -= normal * (overlap * (1 / a.Mass) / inverseMasses);
        b.Position += normal * (overlap * (1 / b.Mass) / inverseMasses);
        if (approach <= 0)
        {
            return null; // already separating
        }

        // Equal and opposite impulses along the normal: j = (1 + e)·v_closing / (1/m_a + 1/m_b).
        a.ImpactVelocity ??= a.Velocity;
        b.ImpactVelocity ??= b.Velocity;
        a.Skidding = b.Skidding = true;
        var impulse = (1 + this.Restitution) * approach / inverseMasses;
        a.Velocity -= normal * (impulse / a.Mass);
        b.Velocity += normal * (impulse / b.Mass);
        // Below ContactSpeed the discs are resting or pushing against each other: resolved, but neither
        // reported as an impact nor counted in the vehicles' Δv.
        if (approach < ContactSpeed)
        {
            return null;
        }

        a.DeltaV += impulse / a.Mass;
        b.DeltaV += impulse / b.Mass;
        return new Collision(this.Time, a.Id, b.Id, approach, impulse);
    }
}
