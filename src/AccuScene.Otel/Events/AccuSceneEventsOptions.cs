using System.ComponentModel.DataAnnotations;
namespace AccuScene.Otel;

/// <summary>How structured events are captured and kept (<c>AccuScene:Events</c>).</summary>
public sealed class AccuSceneEventsOptions
{
    /// <summary>Gets or sets a value indicating whether the event-capture processors are added. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many events the in-memory store keeps; the oldest is dropped (and counted) when full. Default: 10000.</summary>
    [Range(100, 1_000_000)]
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the estimated memory the in-memory store may hold, in bytes;
    /// the oldest events are dropped (and counted) to stay under it. Default: 16777216 (16 MiB).
    /// </summary>
    [Range(1048576d, 1073741824d)]
    public long MaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Gets or sets the longest message kept, in characters; a longer one is cut (and counted). Default: 4096.</summary>
    [Range(64, 65_536)]
    public int MaxMessageLength { get; set; } = 4096;

    /// <summary>
    /// Gets or sets the longest name, category, attribute key or attribute value kept, in characters;
    /// a longer one is cut (and counted). Default: 1024.
    /// </summary>
    [Range(16, 65_536)]
    public int MaxAttributeLength { get; set; } = 1024;

    /// <summary>Gets or sets the most attributes kept per event; the rest are left out (and counted). Default: 64.</summary>
    [Range(1, 1024)]
    public int MaxAttributes { get; set; } = 64;

    /// <summary>
    /// Gets or sets the level from which ordinary log records become events. Records written with
    /// <c>RecordEvent</c> are events at any level. Default: <c>Warning</c>.
    /// </summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}
