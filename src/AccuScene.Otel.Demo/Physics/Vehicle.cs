namespace AccuScene.Otel.Demo.Physics;

/// <summary>
/// A vehicle as a rigid disc in the road plane: mass, position and velocity of its centre of mass, and the
/// radius of its collision footprint. Rotation is not modelled; the reconstruction follows the centres of mass.
/// Before its first impact a vehicle rolls (rolling resistance only); from the impact on its wheels are taken
/// to lock and it skids with the tyre–road friction coefficient.
/// </summary>
internal sealed class Vehicle(string id, double massKg, Vector2 position, Vector2 velocity, double radiusM = 2.2, double tyreFriction = 0.7, bool skidding = false)
{
    /// <summary>The rolling resistance coefficient of a free-rolling car tyre on asphalt.</summary>
    public const double RollingResistance = 0.015;

    public string Id { get; } = id;

    public double Mass { get; } = massKg;

    public double Radius { get; } = radiusM;

    /// <summary>Gets the tyre–road friction coefficient μ while the wheels lock and the vehicle skids.</summary>
    public double Friction { get; } = tyreFriction;

    /// <summary>Gets or sets a value indicating whether the wheels are locked (after an impact, or from the start).</summary>
    public bool Skidding { get; set; } = skidding;

    /// <summary>Gets the coefficient that decelerates the vehicle now: μ while skidding, rolling resistance before.</summary>
    public double Deceleration => this.Skidding ? this.Friction : RollingResistance;

    public Vector2 Position { get; set; } = position;

    public Vector2 Velocity { get; set; } = velocity;

    public Vector2 Momentum => this.Velocity * this.Mass;

    /// <summary>Gets or sets the velocity just before the vehicle's first impact.</summary>
    public Vector2? ImpactVelocity { get; set; }

    /// <summary>Gets or sets the total speed change the impacts gave the vehicle (Δv, the usual severity measure), m/s.</summary>
    public double DeltaV { get; set; }

    /// <summary>Gets the length of the skid so far, in metres.</summary>
    public double SkidDistance { get; set; }

    public bool AtRest => this.Velocity.Length == 0;
}
