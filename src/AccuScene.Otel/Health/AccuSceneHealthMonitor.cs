using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Health;

/// <summary>
/// The cached health of every check registered with <c>AddHealthChecks()</c>. A background scheduler runs
/// each check through <see cref="HealthCheckService"/> on its own interval and timeout, and records the result
/// here; probes read <see cref="GetReport"/>, which never runs a check and answers at once. Status changes
/// are logged, raised as <see cref="StatusChanged"/>, and exported as the metrics
/// <c>accuscene.health.status</c> and <c>accuscene.health.check.duration</c> on the meter <c>AccuScene.Health</c>.
/// </summary>
public sealed partial class AccuSceneHealthMonitor : IDisposable
{
    /// <summary>The meter of the health metrics.</summary>
    public const string MeterName = "AccuScene.Health";

    private readonly HealthCheckState[] _states;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly Histogram<double> _duration;

    internal AccuSceneHealthMonitor(
        IOptions<HealthCheckServiceOptions> registrations,
        IEnumerable<HealthCheckMetadata> metadata,
        AccuSceneHealthOptions options,
        TimeProvider time,
        ILogger<AccuSceneHealthMonitor> logger,
        IMeterFactory? meters)
    {
        _time = time;
        _logger = logger;
        var byName = metadata.GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var unknown = options.Checks.Keys
            .Where(name => !registrations.Value.Registrations.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
            .Select(name => $"AccuScene:Health:Checks:{name} names no registered health check; the checks are: {string.Join(", ", registrations.Value.Registrations.Select(r => r.Name))}.")
            .ToList();
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneHealthOptions), unknown);
        }

        _states = [.. registrations.Value.Registrations.Select(r => CreateState(r, byName.GetValueOrDefault(r.Name), options))];
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _duration = _meter.CreateHistogram<double>(
            "accuscene.health.check.duration",
            unit: "s",
            description: "How long each health check run took, timed-out runs included.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBoundaries.MicrosecondToTenSeconds });
        _meter.CreateObservableGauge(
            "accuscene.health.status", this.ObserveStatus, unit: "{status}", description: "Each check's status after its thresholds: 2 Healthy, 1 Degraded, 0 Unhealthy.");
    }

    /// <summary>
    /// Raised after a check's status changed (thresholds applied), on the thread that ran that check: listeners of two
    /// checks may run at once, so a listener keeps its own state thread-safe. The check's next run waits for its
    /// listeners; one that blocks leaves the check's result to age, and a result older than three intervals plus the
    /// timeout is reported Unhealthy (<c>… the scheduler is stuck</c>). A listener that throws is counted and skipped.
    /// </summary>
    public event EventHandler<HealthStatusChange>? StatusChanged;

    internal IReadOnlyList<HealthCheckState> States => _states;

    /// <summary>Builds a probe's answer from the cached results.</summary>
    /// <param name="probe">The probe.</param>
    /// <returns>The status and the entries the probe covers.</returns>
    public AccuSceneHealthReport GetReport(HealthProbe probe)
    {
        var startupTagged = probe == HealthProbe.Startup && _states.Any(s => s.HasTag(HealthTags.Startup));
        var included = probe switch
        {
            HealthProbe.Live => _states.Where(s => s.HasTag(HealthTags.Live)),
            HealthProbe.Startup when startupTagged => _states.Where(s => s.HasTag(HealthTags.Startup)),
            _ => _states,
        };
        var now = _time.GetUtcNow();
        var entries = included.Select(s => this.Stale(s, s.Snapshot())).ToList();
        return new AccuSceneHealthReport(probe, Aggregate(entries, probe, startupTagged), now, entries);
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    /// <summary>Records one run's result.</summary>
    /// <param name="state">The check.</param>
    /// <param name="result">The run's status.</param>
    /// <param name="description">What the run said.</param>
    /// <param name="duration">How long it took, or how long a hung run has been going.</param>
    /// <param name="data">The run's data.</param>
    /// <param name="ran">Whether a run took place: a run skipped because the previous one hangs is kept out of the duration histogram.</param>
    internal void Record(HealthCheckState state, HealthStatus result, string? description, TimeSpan duration, IReadOnlyDictionary<string, object>? data, bool ran = true)
    {
        // Bounded before it is kept and logged: every probe, dashboard update and status log sends it again.
        (description, data) = HealthResultLimits.Bound(description, data);
        var change = state.Record(result, description, duration, data, _time.GetUtcNow(), _time.GetTimestamp());
        if (ran)
        {
            try
            {
                _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("accuscene.health.check", state.Name), new("accuscene.health.status", Name(result)));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A MeterListener that throws: the result is kept all the same.
                Diagnostics.AccuSceneSelfDiagnostics.ProcessorFailed("health-duration", state.Name, ex);
            }
        }

        if (change is null)
        {
            return;
        }

        try
        {
            LogChange(_logger, change, description);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A logging provider that throws (ILogger rethrows them together): the listeners still hear of the change.
            Diagnostics.AccuSceneSelfDiagnostics.ProcessorFailed("health-log", change.Name, ex);
        }

        // Each listener on its own: one that throws neither hides the change from the others nor fails the run.
        foreach (var handler in this.StatusChanged?.GetInvocationList() ?? [])
        {
            try
            {
                ((EventHandler<HealthStatusChange>)handler)(this, change);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Diagnostics.AccuSceneSelfDiagnostics.ProcessorFailed("health-status-changed", change.Name, ex);
            }
        }
    }

    private static void LogChange(ILogger logger, HealthStatusChange change, string? description)
    {
        if (change.Previous is { } previous && change.Current > previous)
        {
            Log.Recovered(logger, change.Name, previous.ToString(), change.Current.ToString(), description);
        }
        else if (change.Previous is null)
        {
            // A dependency down from the start is the outage most often met at a rollout: a warning, as a later failure is.
            Log.FirstResult(logger, change.Current == HealthStatus.Healthy ? LogLevel.Information : LogLevel.Warning, change.Name, change.Current, description);
        }
        else if (change.Current == HealthStatus.Degraded)
        {
            // Degraded is a result of its own, not a failure: no failure count to report.
            Log.Degraded(logger, change.Name, change.Previous.Value.ToString(), description);
        }
        else
        {
            Log.Worsened(logger, change.Name, change.Previous.Value.ToString(), change.Current.ToString(), description, change.Entry.ConsecutiveFailures);
        }
    }

    /// <summary>
    /// A check whose last run is older than three intervals plus its timeout means its schedule is stuck (no thread
    /// ran it, or a StatusChanged listener holds it): reported Unhealthy, whatever its last result, in every probe.
    /// Other entries are returned as they are.
    /// </summary>
    private AccuSceneHealthEntry Stale(HealthCheckState state, AccuSceneHealthEntry entry)
    {
        if (state.LastRunTimestamp is not { } lastRun)
        {
            return entry;
        }

        // Measured on the monotonic clock: a wall clock stepped back would hide a stuck scheduler, one stepped forward fake it.
        var limit = (3 * state.Interval) + state.Timeout;
        var since = _time.GetElapsedTime(lastRun);
        return since > limit
            ? entry with { Status = HealthStatus.Unhealthy, Description = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"not run for {since:c}, more than {limit:c}: the scheduler is stuck") }
            : entry;
    }

    // Startup over every check (none is tagged startup) asks only whether each has a first result: a dependency that
    // is down is the readiness probe's business, and a failing startup probe gets the pod restarted, which mends no
    // database. A check tagged startup is what the app says starting takes: its status counts.
    private static HealthStatus Aggregate(List<AccuSceneHealthEntry> entries, HealthProbe probe, bool startupTagged)
    {
        var status = HealthStatus.Healthy;
        foreach (var entry in entries)
        {
            var effective = entry switch
            {
                { Pending: true } when probe == HealthProbe.Live => HealthStatus.Healthy,
                // Startup waits for every covered check's first run, critical or not.
                { Pending: true } when probe == HealthProbe.Startup => HealthStatus.Unhealthy,
                { Status: HealthStatus.Unhealthy } when probe == HealthProbe.Startup && !startupTagged => HealthStatus.Degraded,
                { Pending: true, Critical: false } => HealthStatus.Degraded,
                { Pending: true } => HealthStatus.Unhealthy,
                { Status: HealthStatus.Unhealthy, Critical: false } => HealthStatus.Degraded,
                _ => entry.Status,
            };
            status = effective < status ? effective : status;
        }

        return status;
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "Healthy",
        HealthStatus.Degraded => "Degraded",
        _ => "Unhealthy",
    };

    private static HealthCheckState CreateState(HealthCheckRegistration registration, HealthCheckMetadata? metadata, AccuSceneHealthOptions options)
    {
        var configured = options.Checks.GetValueOrDefault(registration.Name);
        var schedule = metadata?.Schedule;
        return new HealthCheckState(
            registration.Name,
            [.. registration.Tags.Order(StringComparer.Ordinal)],
            metadata?.Dependency,
            configured?.Interval ?? schedule?.Interval ?? options.Interval,
            configured?.Timeout ?? schedule?.Timeout ?? options.Timeout,
            configured?.FailureThreshold ?? schedule?.FailureThreshold ?? options.FailureThreshold,
            configured?.SuccessThreshold ?? schedule?.SuccessThreshold ?? options.SuccessThreshold)
        {
            FailureStatus = registration.FailureStatus,
        };
    }

    private IEnumerable<Measurement<int>> ObserveStatus()
    {
        foreach (var state in _states)
        {
            // What the probes say: a live check the scheduler stopped running is Unhealthy here too.
            var entry = this.Stale(state, state.Snapshot());
            if (entry.Pending)
            {
                continue;
            }

            yield return new Measurement<int>(
                (int)entry.Status,
                new KeyValuePair<string, object?>("accuscene.health.check", entry.Name),
                new("accuscene.health.dependency.kind", entry.Dependency?.Kind ?? "none"),
                new("accuscene.health.critical", entry.Critical));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Warning, "Health check {HealthCheck} changed from {PreviousStatus} to {HealthStatus} after {ConsecutiveFailures} failure(s): {Description}", EventName = "HealthStatusChanged")]
        public static partial void Worsened(ILogger logger, string healthCheck, string previousStatus, string healthStatus, string? description, int consecutiveFailures);

        [LoggerMessage(101, LogLevel.Information, "Health check {HealthCheck} recovered from {PreviousStatus} to {HealthStatus}: {Description}", EventName = "HealthStatusRecovered")]
        public static partial void Recovered(ILogger logger, string healthCheck, string previousStatus, string healthStatus, string? description);

        [LoggerMessage(103, LogLevel.Warning, "Health check {HealthCheck} changed from {PreviousStatus} to Degraded: {Description}", EventName = "HealthStatusDegraded")]
        public static partial void Degraded(ILogger logger, string healthCheck, string previousStatus, string? description);

        [LoggerMessage(EventId = 102, Message = "Health check {HealthCheck} reported {HealthStatus} on its first run: {Description}", EventName = "HealthStatusFirstResult")]
        public static partial void FirstResult(ILogger logger, LogLevel level, string healthCheck, HealthStatus healthStatus, string? description);
    }
}
