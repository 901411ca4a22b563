namespace AccuScene.Otel;

/// <summary>How structured events are captured and kept (<c>AccuScene:Events</c>).</summary>
public sealed class AccuSceneEventsOptions
{
    /// <summary>Gets or sets a value indicating whether the event-capture processors are added. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many events the in-memory store keeps, 100 to 1000000; the oldest is dropped (and counted) when full. Default: 10000.</summary>
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the level from which ordinary log records become events. Records written with
    /// <c>RecordEvent</c> are events at any level. Default: <c>Warning</c>.
    /// </summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}
