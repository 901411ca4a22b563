namespace AccuScene.Otel.Demo.Physics;

/// <summary>A 2-D vector in metres (positions), metres per second (velocities) or newton-seconds (impulses).</summary>
internal readonly record struct Vector2(double X, double Y)
{
    public static readonly Vector2 Zero = new(0, 0);

    public double Length => Math.Sqrt((this.X * this.X) + (this.Y * this.Y));

    public static Vector2 operator +(Vector2 a, Vector2 b) => new(a.X + b.X, a.Y + b.Y);

    public static Vector2 operator -(Vector2 a, Vector2 b) => new(a.X - b.X, a.Y - b.Y);

    public static Vector2 operator *(Vector2 a, double k) => new(a.X * k, a.Y * k);

    public static Vector2 operator /(Vector2 a, double k) => new(a.X / k, a.Y / k);

    public double Dot(Vector2 other) => (this.X * other.X) + (this.Y * other.Y);

    public Vector2 Normalized() => this.Length is > 0 and var length ? this / length : Zero;
}
