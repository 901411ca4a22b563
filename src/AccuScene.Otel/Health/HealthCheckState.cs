using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health;

/// <summary>
/// One check's schedule and cached state. The first result is taken as it is. After that, a check that is
/// Healthy or Degraded turns Unhealthy only after <see cref="FailureThreshold"/> Unhealthy runs in a row,
/// and an Unhealthy check recovers only after <see cref="SuccessThreshold"/> good runs in a row, so one slow
/// or failed run does not make a pod flap. Thread-safe.
/// </summary>
internal sealed class HealthCheckState
{
    private static readonly IReadOnlyDictionary<string, object> NoData = new Dictionary<string, object>();

    private readonly Lock _gate = new();
    private HealthStatus? _status;
    private HealthStatus? _lastResult;
    private string? _description = "not checked yet";
    private TimeSpan? _lastDuration;
    private DateTimeOffset? _lastRun;
    private DateTimeOffset? _lastSuccess;
    private int _consecutiveFailures;
    private int _consecutiveSuccesses;
    private IReadOnlyDictionary<string, object> _data = NoData;

    public HealthCheckState(string name, IReadOnlyList<string> tags, HealthDependency? dependency, TimeSpan interval, TimeSpan timeout, int failureThreshold, int successThreshold)
    {
        this.Name = name;
        this.Tags = tags;
        this.Dependency = dependency;
        this.Interval = interval;
        this.Timeout = timeout;
        this.FailureThreshold = failureThreshold;
        this.SuccessThreshold = successThreshold;
    }

    public string Name { get; }

    public IReadOnlyList<string> Tags { get; }

    public HealthDependency? Dependency { get; }

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    public int FailureThreshold { get; }

    public int SuccessThreshold { get; }

    /// <summary>
    /// Gets the status the registration gives a failed run (<c>AddCheck(…, failureStatus:)</c>), which the scheduler
    /// also records for a run it timed out, found hung, or could not create, as ASP.NET Core does for its own.
    /// </summary>
    public HealthStatus FailureStatus { get; init; } = HealthStatus.Unhealthy;

    /// <summary>The run still going after its timeout, if any: a check that ignores cancellation.</summary>
    public Task? Hung { get; set; }

    /// <summary>The timestamp (of the scheduler's time provider) at which the hung run started.</summary>
    public long HungSince { get; set; }

    /// <summary>Gets the monotonic timestamp (of the monitor's time provider) of the last run, for staleness: a wall clock may step.</summary>
    public long? LastRunTimestamp => Interlocked.Read(ref _lastRunTimestamp) is var at && at != NeverRun ? at : null;

    private const long NeverRun = long.MinValue;
    private long _lastRunTimestamp = NeverRun;

    /// <summary>Whether the check carries <paramref name="tag"/>, without regard to case, as ASP.NET Core's registrations compare tags.</summary>
    public bool HasTag(string tag)
    {
        foreach (var own in this.Tags)
        {
            if (string.Equals(own, tag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records one run's result and returns the status change it caused, if any.</summary>
    public HealthStatusChange? Record(HealthStatus result, string? description, TimeSpan duration, IReadOnlyDictionary<string, object>? data, DateTimeOffset now, long timestamp)
    {
        lock (_gate)
        {
            var previous = _status;
            var failed = result == HealthStatus.Unhealthy;
            if (failed)
            {
                _consecutiveFailures++;
                _consecutiveSuccesses = 0;
            }
            else
            {
                _consecutiveSuccesses++;
                _consecutiveFailures = 0;
                _lastSuccess = now;
            }

            _status = previous switch
            {
                null => result,
                HealthStatus.Unhealthy when !failed => _consecutiveSuccesses >= this.SuccessThreshold ? result : HealthStatus.Unhealthy,
                HealthStatus.Unhealthy => HealthStatus.Unhealthy,
                _ when failed => _consecutiveFailures >= this.FailureThreshold ? HealthStatus.Unhealthy : previous,
                _ => result,
            };
            _lastResult = result;

            // While a threshold holds the status back, the description says so: "unhealthy" beside "the probe
            // query succeeded" would read as a contradiction.
            _description = _status == result ? description
                : failed ? string.Create(CultureInfo.InvariantCulture, $"{description}{(description is null ? string.Empty : " ")}(failed {_consecutiveFailures} of the {this.FailureThreshold} times in a row that make it unhealthy)")
                : string.Create(CultureInfo.InvariantCulture, $"{description}{(description is null ? string.Empty : " ")}(passed {_consecutiveSuccesses} of the {this.SuccessThreshold} times in a row it needs to recover)");
            _lastDuration = duration;
            _lastRun = now;
            Interlocked.Exchange(ref _lastRunTimestamp, timestamp);
            _data = data ?? NoData;
            return _status == previous ? null : new HealthStatusChange(this.Name, previous, _status.Value, this.SnapshotLocked());
        }
    }

    public AccuSceneHealthEntry Snapshot()
    {
        lock (_gate)
        {
            return this.SnapshotLocked();
        }
    }

    private AccuSceneHealthEntry SnapshotLocked() => new(
        this.Name,
        _status ?? HealthStatus.Unhealthy,
        _lastResult,
        _description,
        _lastDuration,
        _lastRun,
        _lastSuccess,
        _consecutiveFailures,
        _consecutiveSuccesses,
        this.Dependency,
        this.Tags,
        _data);
}
