using System.Diagnostics;
using System.Globalization;
using AccuScene.Otel.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AccuScene.Otel.Health;

/// <summary>
/// Runs every registered check in the background, each on its own interval, through
/// <see cref="HealthCheckService"/> (so registrations, scopes and failure statuses behave as in ASP.NET Core),
/// and records the results in <see cref="AccuSceneHealthMonitor"/>. A run is cancelled after its timeout and
/// recorded as <c>timed out after …</c> with the registration's failure status. A check that ignores cancellation is left running: the scheduler
/// stops waiting for it shortly after the timeout, and until it ends each later run is recorded as timed out
/// without starting it again. Everything waits on <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HealthCheckScheduler : BackgroundService
{
    /// <summary>How long past the timeout the scheduler waits for a check that ignores cancellation.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(50);

    private readonly HealthCheckService _service;
    private readonly AccuSceneHealthMonitor _monitor;
    private readonly TimeProvider _time;
    private readonly bool _inAppTraces;

    /// <param name="service">Runs the checks.</param>
    /// <param name="monitor">Keeps their results.</param>
    /// <param name="time">The clock.</param>
    /// <param name="inAppTraces">Whether the runs' spans go to the app's traces (<c>AccuScene:Tracing:IncludeSdkEndpoints</c>).</param>
    public HealthCheckScheduler(HealthCheckService service, AccuSceneHealthMonitor monitor, TimeProvider time, bool inAppTraces = false)
    {
        _service = service;
        _monitor = monitor;
        _time = time;
        _inAppTraces = inAppTraces;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_monitor.States.Select(state => this.LoopAsync(state, stoppingToken)));

    internal async Task RunOnceAsync(HealthCheckState state, CancellationToken stoppingToken)
    {
        if (state.Hung is { IsCompleted: false })
        {
            // Not started again: the duration reported is how long the hung run has been going.
            this.Record(state, state.FailureStatus, TimedOut(state.Timeout) + "; the previous run is still going", state.HungSince, null, ran: false);
            return;
        }

        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(state.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        Task<HealthReport> run;
        var outer = Activity.Current;
        var quiet = _inAppTraces ? null : StartUnsampled();
        try
        {
            run = _service.CheckHealthAsync(r => string.Equals(r.Name, state.Name, StringComparison.Ordinal), linked.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The check could not even be created (a missing service, a throwing factory).
            this.Record(state, state.FailureStatus, ex.Message, started, null);
            return;
        }
        finally
        {
            if (quiet is not null)
            {
                quiet.Stop();
                Activity.Current = outer;
            }
        }

        HealthReport report;
        try
        {
            report = await run.WaitAsync(state.Timeout + Grace, _time, stoppingToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!run.IsCompleted)
        {
            // The wait ran out: the run itself is still going. (A run that failed with a TimeoutException of its
            // own, a client library's say, is completed and reported with its own message below.)
            state.Hung = run;
            state.HungSince = started;
            this.Record(state, state.FailureStatus, TimedOut(state.Timeout), started, null);
            return;
        }
        catch (TimeoutException) when (run.IsCompletedSuccessfully)
        {
            // The run finished between the wait running out and this filter: its result stands.
            report = run.Result;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            this.Record(state, state.FailureStatus, TimedOut(state.Timeout), started, null);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // DefaultHealthCheckService creates the check outside its own try: a factory that throws ends here.
            this.Record(state, state.FailureStatus, ex.Message, started, null);
            return;
        }

        if (report.Entries.TryGetValue(state.Name, out var entry))
        {
            // A check that fails once its timeout has cancelled it failed of the timeout, whatever it threw: a driver may
            // throw its own exception on cancellation (SqlClient's "Operation cancelled by user"), not an OperationCanceledException.
            var description = entry.Exception is not null && timeout.IsCancellationRequested ? TimedOut(state.Timeout) : Describe(entry);
            this.Record(state, entry.Status, description, started, entry.Data);
        }
    }

    // The scheduled runs are the SDK's, not the app's traffic: a check's HttpClient call or SELECT 1 every interval would
    // be a root span each time. They run under a parent that is not sampled, so a parent-based sampler (OpenTelemetry's
    // default) records none of their spans. The parent is started without a source, so OpenTelemetry exports nothing of
    // it; a sampler that ignores the parent still records the check's spans (docs/architecture.md says so).
    private static Activity StartUnsampled()
    {
        var activity = new Activity("AccuScene.Health.ScheduledRun");
        activity.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
        return activity.Start();
    }

    private static string TimedOut(TimeSpan timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout}");

    private static string? Describe(HealthReportEntry entry) =>
        entry.Description ?? entry.Exception?.Message;

    private async Task LoopAsync(HealthCheckState state, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                await this.RunOnceAsync(state, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A listener of StatusChanged or the health service itself failed: count it, keep scheduling.
                AccuSceneSelfDiagnostics.ProcessorFailed("health-scheduler", state.Name, ex);
            }

            // The check starts on a grid of its interval, as a Kubernetes probe's period: the wait is what is left of the
            // interval after the run. A run longer than the interval (a timeout over it) skips the starts it overlaps,
            // so a failing dependency is not asked again at once, and a hung run is not counted twice in one instant.
            var elapsed = _time.GetElapsedTime(started).Ticks;
            var wait = TimeSpan.FromTicks(state.Interval.Ticks - (elapsed % state.Interval.Ticks));
            try
            {
                await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(HealthCheckState state, HealthStatus status, string? description, long started, IReadOnlyDictionary<string, object>? data, bool ran = true) =>
        _monitor.Record(state, status, description, _time.GetElapsedTime(started), data, ran);
}
