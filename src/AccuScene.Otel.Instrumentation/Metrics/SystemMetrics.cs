using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Metrics;

/// <summary>
/// Process and session instruments on the meter <c>AccuScene.System</c>: CPU utilisation, memory in bytes
/// and as a fraction of what the process may use, active sessions and uptime. The runtime's own
/// <c>System.Runtime</c> meter is collected beside it by <c>AddAccuScene()</c>. See <c>docs/metrics.md</c>.
/// </summary>
public sealed class SystemMetrics : AccuSceneInstrumentSet
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AccuScene.System";

    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private readonly UpDownCounter<long> _sessions;
    private readonly Lock _cpuGate = new();
    private TimeSpan _lastCpu;
    private long _lastCpuAt;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The DI meter factory, or <see langword="null"/>.</param>
    /// <param name="namePrefix">Optional prefix for <c>accuscene.*</c> names.</param>
    /// <param name="timeProvider">The clock for uptime and CPU rates; <see cref="TimeProvider.System"/> by default.</param>
    public SystemMetrics(IMeterFactory? meterFactory = null, string? namePrefix = null, TimeProvider? timeProvider = null)
        : base(MeterName, meterFactory, namePrefix)
    {
        _time = timeProvider ?? TimeProvider.System;
        _startedAt = _time.GetTimestamp();
        _lastCpuAt = _startedAt;
        _lastCpu = Environment.CpuUsage.TotalTime;

        _sessions = this.Meter.CreateUpDownCounter<long>(this.Name("accuscene.sessions.active"), "{session}", "User or batch sessions open now.");
        this.Meter.CreateObservableGauge("process.cpu.utilization", this.ObserveCpu, "1", "CPU time used since the last observation divided by wall time and processor count.");
        this.Meter.CreateObservableUpDownCounter("process.memory.usage", static () => Environment.WorkingSet, "By", "Physical memory in use by the process (working set).");
        this.Meter.CreateObservableGauge(this.Name("accuscene.process.memory.utilization"), ObserveMemoryUtilization, "1", "Working set divided by the memory available to the process.");
        this.Meter.CreateObservableCounter("process.uptime", () => _time.GetElapsedTime(_startedAt).TotalSeconds, "s", "Time since these instruments were created.");
    }

    /// <summary>Marks a session as opened; pair with <see cref="SessionEnded"/>.</summary>
    public void SessionStarted() => _sessions.Add(1);

    /// <summary>Marks a session as closed.</summary>
    public void SessionEnded() => _sessions.Add(-1);

    private static double ObserveMemoryUtilization()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available > 0 ? Math.Clamp((double)Environment.WorkingSet / available, 0, 1) : 0;
    }

    private double ObserveCpu()
    {
        lock (_cpuGate)
        {
            var now = _time.GetTimestamp();
            var cpu = Environment.CpuUsage.TotalTime;
            var wall = _time.GetElapsedTime(_lastCpuAt, now);
            var used = cpu - _lastCpu;
            _lastCpu = cpu;
            _lastCpuAt = now;
            return wall > TimeSpan.Zero
                ? Math.Clamp(used.TotalSeconds / (wall.TotalSeconds * Environment.ProcessorCount), 0, 1)
                : 0;
        }
    }
}
