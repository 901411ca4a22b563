using System.ComponentModel.DataAnnotations;
namespace AccuScene.Otel;

/// <summary>How health checks are scheduled and served (<c>AccuScene:Health</c>).</summary>
public sealed class AccuSceneHealthOptions
{
    /// <summary>Gets or sets how often each check runs. Default: 10 seconds.</summary>
    [DurationRange("00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a check may run before it is cancelled and reported as timed out. Default: 5 seconds.</summary>
    [DurationRange("00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many failures in a row make a healthy check Unhealthy. Default: 3.</summary>
    [Range(1, 100)]
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Gets or sets how many successes in a row make an Unhealthy check healthy again. Default: 2.</summary>
    [Range(1, 100)]
    public int SuccessThreshold { get; set; } = 2;

    /// <summary>Gets per-check overrides, by check name (<c>AccuScene:Health:Checks:&lt;name&gt;:Interval</c> and so on).</summary>
    public Dictionary<string, AccuSceneHealthCheckOptions> Checks { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the probe endpoint of worker processes (<c>AccuScene:Health:Endpoint</c>).</summary>
    public AccuSceneHealthEndpointOptions Endpoint { get; } = new();
}

/// <summary>Overrides for one health check; unset values come from <see cref="AccuSceneHealthOptions"/>.</summary>
public sealed class AccuSceneHealthCheckOptions
{
    /// <summary>Gets or sets how often the check runs.</summary>
    [DurationRange("00:00:01", "01:00:00")]
    public TimeSpan? Interval { get; set; }

    /// <summary>Gets or sets how long the check may run.</summary>
    [DurationRange("00:00:00.100", "00:05:00")]
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets how many failures in a row make it Unhealthy.</summary>
    [Range(1, 100)]
    public int? FailureThreshold { get; set; }

    /// <summary>Gets or sets how many successes in a row make it healthy again.</summary>
    [Range(1, 100)]
    public int? SuccessThreshold { get; set; }
}

/// <summary>The small Kestrel host that serves probes in worker processes (<c>AccuScene:Health:Endpoint</c>).</summary>
public sealed class AccuSceneHealthEndpointOptions
{
    /// <summary>Gets or sets the address to bind. Default: <c>127.0.0.1</c>, loopback only.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the port (0 picks a free port). Default: 8081.</summary>
    [Range(0, 65_535)]
    public int Port { get; set; } = 8081;

    /// <summary>Gets or sets the path under which <c>/live</c>, <c>/ready</c> and <c>/startup</c> are served. Default: <c>/health</c>.</summary>
    public string Path { get; set; } = "/health";
}
