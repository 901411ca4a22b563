using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Metrics;

/// <summary>
/// Process and session instruments on the meter <c>AccuScene.System</c>: CPU time, memory in bytes
/// and as a fraction of what the process may use, active sessions and uptime. The runtime's own
/// <c>System.Runtime</c> meter is collected beside it by <c>AddAccuScene()</c>. See <c>docs/metrics.md</c>.
/// <para>
/// CPU is the cumulative counter <c>process.cpu.time</c> (by <c>cpu.mode</c>), not a utilisation gauge: a gauge
/// computed "since the last observation" gives each reader whatever interval the last observer left, while a
/// counter lets every reader derive utilisation over its own interval (<c>rate(...) / processors</c>).
/// </para>
/// </summary>
public sealed class SystemMetrics : AccuSceneInstrumentSet
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AccuScene.System";

    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private readonly TimeSpan _processAgeAtStart;
    private readonly UpDownCounter<long> _sessions;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The DI meter factory, or <see langword="null"/>.</param>
    /// <param name="namePrefix">Optional prefix for <c>accuscene.*</c> names.</param>
    /// <param name="timeProvider">The clock for uptime; <see cref="TimeProvider.System"/> by default.</param>
    public SystemMetrics(IMeterFactory? meterFactory = null, string? namePrefix = null, TimeProvider? timeProvider = null)
        : base(MeterName, meterFactory, namePrefix)
    {
        _time = timeProvider ?? TimeProvider.System;
        _startedAt = _time.GetTimestamp();
        _processAgeAtStart = ProcessAge();

        _sessions = this.Meter.CreateUpDownCounter<long>(this.Name("accuscene.sessions.active"), "{session}", "User or batch sessions open now.");
        this.Meter.CreateObservableCounter("process.cpu.time", ObserveCpuTime, "s", "Total CPU seconds used by the process, by cpu.mode (user, system).");
        this.Meter.CreateObservableUpDownCounter("process.memory.usage", static () => Environment.WorkingSet, "By", "Physical memory in use by the process (working set).");
        this.Meter.CreateObservableGauge(this.Name("accuscene.process.memory.utilization"), ObserveMemoryUtilization, "1", "Working set divided by the memory available to the process.");
        this.Meter.CreateObservableGauge("process.uptime", () => (_processAgeAtStart + _time.GetElapsedTime(_startedAt)).TotalSeconds, "s", "The time the process has been running.");
    }

    /// <summary>Marks a session as opened; pair with <see cref="SessionEnded"/>.</summary>
    public void SessionStarted() => _sessions.Add(1);

    /// <summary>Marks a session as closed.</summary>
    public void SessionEnded() => _sessions.Add(-1);

    // How long the process had run when these instruments were created, by the system clock the process start time
    // is on; from then on the given clock's elapsed time is added, so a fake clock still drives the uptime.
    private static TimeSpan ProcessAge()
    {
        try
        {
            using var process = Process.GetCurrentProcess();
            var age = TimeProvider.System.GetUtcNow() - new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
            return age > TimeSpan.Zero ? age : TimeSpan.Zero;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or PlatformNotSupportedException or System.ComponentModel.Win32Exception)
        {
            return TimeSpan.Zero; // no start time on this platform: uptime counts from these instruments
        }
    }

    private static double ObserveMemoryUtilization()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available > 0 ? Math.Clamp((double)Environment.WorkingSet / available, 0, 1) : 0;
    }

    private static IEnumerable<Measurement<double>> ObserveCpuTime()
    {
        var usage = Environment.CpuUsage;
        return
        [
            new(usage.UserTime.TotalSeconds, new KeyValuePair<string, object?>("cpu.mode", "user")),
            new(usage.PrivilegedTime.TotalSeconds, new KeyValuePair<string, object?>("cpu.mode", "system")),
        ];
    }
}
