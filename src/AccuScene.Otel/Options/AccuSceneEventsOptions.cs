namespace AccuScene.Otel;

/// <summary>How structured events are captured and kept (<c>AccuScene:Events</c>).</summary>
public sealed class AccuSceneEventsOptions
{
    /// <summary>Gets or sets a value indicating whether the event-capture processors are added. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many events the in-memory store keeps, 100 to 1000000; the oldest is dropped (and counted) when full. Default: 10000.</summary>
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the estimated memory the in-memory store may hold, 1048576 (1 MiB) to 1073741824 (1 GiB);
    /// the oldest events are dropped (and counted) to stay under it. Default: 16777216 (16 MiB).
    /// </summary>
    public long MaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Gets or sets the longest message kept, in characters, 64 to 65536; a longer one is cut (and counted). Default: 4096.</summary>
    public int MaxMessageLength { get; set; } = 4096;

    /// <summary>
    /// Gets or sets the longest name, category, attribute key or attribute value kept, in characters, 16 to 65536;
    /// a longer one is cut (and counted). Default: 1024.
    /// </summary>
    public int MaxAttributeLength { get; set; } = 1024;

    /// <summary>Gets or sets the most attributes kept per event, 1 to 1024; the rest are left out (and counted). Default: 64.</summary>
    public int MaxAttributes { get; set; } = 64;

    /// <summary>
    /// Gets or sets the level from which ordinary log records become events. Records written with
    /// <c>RecordEvent</c> are events at any level. Default: <c>Warning</c>.
    /// </summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}
