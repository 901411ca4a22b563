using AccuScene.Otel.Processing;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Dates each log record by the app's <see cref="TimeProvider"/> when one other than the system clock is
/// registered (OpenTelemetry dates records by the wall clock), so the lines, events, alerts and the dashboard
/// of an app on its own clock (a test's fake one) tell one time. Runs first; with the system clock it is not added.
/// </summary>
internal sealed class LogTimestampProcessor(TimeProvider time) : AccuSceneProcessor<LogRecord>("log-timestamp")
{
    /// <summary>Returns the processor for <paramref name="time"/>, or <see langword="null"/> for the system clock, whose dates OpenTelemetry's already are.</summary>
    public static LogTimestampProcessor? For(TimeProvider? time) =>
        time is null || ReferenceEquals(time, TimeProvider.System) ? null : new LogTimestampProcessor(time);

    protected override void OnEndCore(LogRecord data) => data.Timestamp = time.GetUtcNow().UtcDateTime;
}
