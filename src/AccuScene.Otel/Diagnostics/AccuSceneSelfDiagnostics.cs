using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation;

namespace AccuScene.Otel.Diagnostics;

/// <summary>
/// The SDK's own health: every swallowed processor fault and every rejected input is counted here, on
/// the meter <see cref="MeterName"/>, which <c>AddAccuScene()</c> collects like any other AccuScene meter.
/// </summary>
internal static class AccuSceneSelfDiagnostics
{
    public const string MeterName = AccuSceneTelemetry.SourceNamePrefix + "Otel";

    public const string ProcessorErrorsName = "accuscene.otel.processor.errors";

    public const string PropagationRejectedName = "accuscene.otel.propagation.rejected";

    public const string LogsDroppedName = "accuscene.otel.logs.dropped";

    public static readonly Meter Meter = new(MeterName, AccuSceneTelemetry.Version);

    /// <summary>Exceptions thrown inside AccuScene processors and swallowed; tags <c>processor</c>, <c>stage</c>.</summary>
    public static readonly Counter<long> ProcessorErrors = Meter.CreateCounter<long>(
        ProcessorErrorsName, unit: "{error}", description: "Exceptions caught inside AccuScene processors instead of reaching the application.");

    /// <summary>Malformed or oversized incoming values that were dropped; tag <c>field</c>.</summary>
    public static readonly Counter<long> PropagationRejected = Meter.CreateCounter<long>(
        PropagationRejectedName, unit: "{value}", description: "Propagation values dropped because they were malformed or too large.");

    /// <summary>Log lines an AccuScene output could not write; tags <c>output</c> (file, console) and <c>reason</c>.</summary>
    public static readonly Counter<long> LogsDropped = Meter.CreateCounter<long>(
        LogsDroppedName, unit: "{line}", description: "Log lines that an AccuScene log output could not write, for example because the disk was full.");

    /// <summary>Logger scope values a log record left out because it already carried the most it may (the outermost go first).</summary>
    public static readonly Counter<long> LogScopeValuesDropped = Meter.CreateCounter<long>(
        "accuscene.otel.logs.scope_values.dropped", unit: "{value}", description: "Logger scope values left out of a log record past the most one record carries (AccuScene keeps the innermost 128).");

    /// <summary>Events dropped from the full event store (the oldest go first).</summary>
    public static readonly Counter<long> EventsDropped = Meter.CreateCounter<long>(
        "accuscene.otel.events.dropped", unit: "{event}", description: "Events dropped from the in-memory event store because it was full.");

    /// <summary>Events stored with a text cut to its maximum length or attributes past the maximum left out.</summary>
    public static readonly Counter<long> EventsTruncated = Meter.CreateCounter<long>(
        "accuscene.otel.events.truncated", unit: "{event}", description: "Events stored with a message, name or attribute cut to its maximum length, or attributes past the maximum count left out.");

    /// <summary>
    /// Profiled scopes recorded under the overflow name: in a session that already held its maximum of scope names
    /// (<c>accuscene.profiling.overflow=session</c>), or only on the duration histogram, whose scope tag already took
    /// its maximum of names over the profiler's life (<c>=histogram</c>).
    /// </summary>
    public static readonly Counter<long> ProfilingScopesOverflowed = Meter.CreateCounter<long>(
        "accuscene.otel.profiling.scopes.overflowed", unit: "{scope}", description: "Profiled scopes recorded under the overflow name because the session (accuscene.profiling.overflow=session) or the duration histogram's scope tag (=histogram) already held AccuScene:Profiling:MaxScopes names.");

    /// <summary>Profiled scopes that ended after the session they started in had stopped: on the duration histogram, in no session.</summary>
    public static readonly Counter<long> ProfilingScopesUnassigned = Meter.CreateCounter<long>(
        "accuscene.otel.profiling.scopes.unassigned", unit: "{scope}", description: "Profiled scopes that ended after the session they started in had stopped: recorded on the duration histogram, in no session.");

    /// <summary>Samples an alert rule let go; tags <c>rule</c> and <c>reason</c>: <c>capacity</c> (the oldest, past its maximum), <c>invalid_value</c> (NaN, infinite, a negative weight).</summary>
    public static readonly Counter<long> AlertSamplesDropped = Meter.CreateCounter<long>(
        "accuscene.otel.alerts.samples.dropped", unit: "{sample}", description: "Samples an alert rule dropped: the oldest past its maximum (reason capacity), or a NaN, infinite or negatively weighted one (reason invalid_value).");

    /// <summary>Samples of metrics past the dashboard's MaxMetrics, points of table rows past MaxTableRows, and NaN or infinite point values; tag <c>what</c> (metric, row, value).</summary>
    public static readonly Counter<long> DashboardDrops = Meter.CreateCounter<long>(
        "accuscene.otel.dashboard.dropped", unit: "{item}", description: "Metric samples and table-row points the dashboard dropped at its bounds, and points whose value was NaN or infinite.");

    /// <summary>Histogram measurements that were NaN or infinite, left out of the in-process percentiles.</summary>
    public static readonly Counter<long> PercentilesNonFinite = Meter.CreateCounter<long>(
        "accuscene.otel.percentiles.non_finite", unit: "{measurement}", description: "Histogram measurements that were NaN or infinite and so were left out of the in-process percentiles.");

    /// <summary>Histograms the in-process percentiles did not cover because one listener already kept its maximum of instruments.</summary>
    public static readonly Counter<long> PercentilesInstrumentsDropped = Meter.CreateCounter<long>(
        "accuscene.otel.percentiles.instruments.dropped", unit: "{instrument}", description: "Histograms left out of the in-process percentiles because the listener already kept 1,000 instruments; their percentiles come from buckets.");

    /// <summary>Final flushes at host stop that failed or ran out of time; tag <c>signal</c> (traces, metrics, logs).</summary>
    public static readonly Counter<long> FlushFailures = Meter.CreateCounter<long>(
        "accuscene.otel.flush.failures", unit: "{flush}", description: "Final flushes at host stop whose export failed or did not finish within the shutdown timeout.");

    /// <summary>Health check results kept with their description cut, or data entries cut or left out.</summary>
    public static readonly Counter<long> HealthTruncated = Meter.CreateCounter<long>(
        "accuscene.otel.health.truncated", unit: "{result}", description: "Health check results whose description or data was cut to its maximum length, or whose data entries past the maximum were left out.");

    /// <summary>Configuration reloads refused because the new options were invalid; the previous options stay in effect.</summary>
    public static readonly Counter<long> OptionsReloadFailures = Meter.CreateCounter<long>(
        "accuscene.otel.options.reload_failures", unit: "{reload}", description: "Configuration reloads (AccuScene section or alert rules file) refused as invalid; the previous options stay in effect.");

    // Counter.Add runs MeterListener callbacks synchronously, so even counting can throw; a failure to
    // report a failure is dropped rather than thrown into the application.
    public static void ProcessorFailed(string processor, string stage, Exception exception)
    {
        try
        {
            ProcessorErrors.Add(1, new TagList { { "processor", processor }, { "stage", stage } });
            AccuSceneEventSource.Log.ProcessorFailed(processor, stage, exception);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }

    /// <summary>Adds to a counter; a listener that throws is not the caller's problem.</summary>
    public static void Count(Counter<long> counter, long value, KeyValuePair<string, object?> tag = default)
    {
        try
        {
            if (tag.Key is null)
            {
                counter.Add(value);
            }
            else
            {
                counter.Add(value, tag);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }

    public static void Rejected(string field)
    {
        try
        {
            PropagationRejected.Add(1, new KeyValuePair<string, object?>("field", field));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }

    public static void LogsLost(string output, string reason, long lines, Exception? exception)
    {
        try
        {
            LogsDropped.Add(lines, new TagList { { "output", output }, { "reason", reason } });
            if (exception is not null)
            {
                AccuSceneEventSource.Log.LogOutputFailed(output, reason, lines, exception);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }

    public static void FlushFailed(string signal, string reason)
    {
        try
        {
            FlushFailures.Add(1, new KeyValuePair<string, object?>("signal", signal));
            AccuSceneEventSource.Log.FlushFailed(signal, reason);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }
}
