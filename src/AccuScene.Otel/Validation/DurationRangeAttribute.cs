using System.Globalization;

namespace AccuScene.Otel;

/// <summary>
/// The allowed range of a <see cref="TimeSpan"/> option, written as <c>c</c>-format durations
/// (<c>00:00:00.100</c>, <c>1.00:00:00</c>). It stands where
/// <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/>'s typed form would need a type converter,
/// which trimming cannot keep.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class DurationRangeAttribute(string minimum, string maximum) : Attribute
{
    /// <summary>Gets the shortest allowed duration, as written.</summary>
    public string Minimum { get; } = minimum;

    /// <summary>Gets the longest allowed duration, as written.</summary>
    public string Maximum { get; } = maximum;

    /// <summary>Whether <paramref name="value"/> lies within the range, both ends included.</summary>
    public bool Contains(TimeSpan value) =>
        value >= TimeSpan.Parse(Minimum, CultureInfo.InvariantCulture) && value <= TimeSpan.Parse(Maximum, CultureInfo.InvariantCulture);
}
