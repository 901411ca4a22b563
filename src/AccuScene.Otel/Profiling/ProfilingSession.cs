using System.Collections.Concurrent;
using System.Diagnostics;
using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Profiling;

/// <summary>A named profiling session: the statistics of every scope that ran while it was current.</summary>
public sealed class ProfilingSession
{
    private readonly ConcurrentDictionary<string, ScopeStatistics> _scopes = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _maxScopes;
    private readonly Lock _namesGate = new();
    private int _names;
    private readonly TimeSpan _cpuAtStart;
    private readonly Lock _stopGate = new(); // the stop time and CPU are read together, never half-written
    private readonly long _startedTimestamp;
    private DateTimeOffset? _stoppedAt;
    private long? _stoppedTimestamp;
    private TimeSpan? _cpuAtStop;
    private bool _stopped;

    internal ProfilingSession(string name, TimeProvider time, int maxScopes, bool byDefault = false)
    {
        this.ByDefault = byDefault;
        _maxScopes = maxScopes;
        this.Name = name;
        this.Id = Guid.NewGuid().ToString("N")[..12];
        _time = time;
        this.StartedAt = time.GetUtcNow();
        _startedTimestamp = time.GetTimestamp();
        _cpuAtStart = CpuTime();
    }

    /// <summary>Gets a value indicating whether the profiler made the session itself (the <c>default</c> one, between sessions).</summary>
    internal bool ByDefault { get; }

    /// <summary>Gets a value indicating whether no scope recorded into the session.</summary>
    internal bool IsEmpty => _scopes.IsEmpty;

    /// <summary>Gets the session's id.</summary>
    public string Id { get; }

    /// <summary>Gets the session's name.</summary>
    public string Name { get; }

    /// <summary>Gets when it started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets when it stopped, or <see langword="null"/> while it runs.</summary>
    public DateTimeOffset? StoppedAt
    {
        get
        {
            lock (_stopGate)
            {
                return _stoppedAt;
            }
        }
    }

    /// <summary>Returns the session's statistics now.</summary>
    /// <returns>The summary, scopes ordered by name.</returns>
    public ProfilingSessionSummary Summarize()
    {
        DateTimeOffset? stoppedAt;
        long? stoppedTimestamp;
        TimeSpan? cpuAtStop;
        lock (_stopGate)
        {
            (stoppedAt, stoppedTimestamp, cpuAtStop) = (_stoppedAt, _stoppedTimestamp, _cpuAtStop);
        }

        // The duration comes from the monotonic clock: a wall-clock step (an NTP correction) moves StartedAt and
        // StoppedAt, not how long the session ran.
        var duration = _time.GetElapsedTime(_startedTimestamp, stoppedTimestamp ?? _time.GetTimestamp());
        var cpu = (cpuAtStop ?? CpuTime()) - _cpuAtStart;
        return new ProfilingSessionSummary(
            this.Id,
            this.Name,
            this.StartedAt,
            stoppedAt,
            duration.TotalMilliseconds,
            cpu.TotalMilliseconds,
            [.. _scopes.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value.Summarize(s.Key))]);
    }

    /// <returns>
    /// The name it was recorded under: <paramref name="scope"/>, or the overflow scope when the session is full;
    /// <see langword="null"/> when the session has stopped, and nothing was recorded.
    /// </returns>
    internal string? Record(string scope, double milliseconds, long allocatedBytes)
    {
        if (Volatile.Read(ref _stopped))
        {
            return null;
        }

        if (!_scopes.TryGetValue(scope, out var statistics))
        {
            // New names are added one at a time (they are rare): the bound holds, and a thread that finds the last
            // place taken by the same name records under it.
            lock (_namesGate)
            {
                if (!_scopes.TryGetValue(scope, out statistics))
                {
                    if (_names < _maxScopes)
                    {
                        statistics = new ScopeStatistics();
                        _scopes[scope] = statistics;
                        _names++;
                    }
                    else
                    {
                        scope = AccuSceneProfiler.OverflowScope;
                        statistics = _scopes.GetOrAdd(scope, static _ => new ScopeStatistics());
                        AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.ProfilingScopesOverflowed, 1, new("accuscene.profiling.overflow", "session"));
                    }
                }
            }
        }

        statistics.Record(milliseconds, allocatedBytes);
        return scope;
    }

    /// <summary>The histogram tag of a scope this session did not record: its name while the session has room or knows it, else the overflow scope.</summary>
    internal string TagFor(string scope) =>
        _scopes.ContainsKey(scope) || Volatile.Read(ref _names) < _maxScopes ? scope : AccuSceneProfiler.OverflowScope;

    internal void Stop()
    {
        Volatile.Write(ref _stopped, true);
        var (now, timestamp, cpu) = (_time.GetUtcNow(), _time.GetTimestamp(), CpuTime());
        lock (_stopGate)
        {
            _stoppedAt ??= now;
            _stoppedTimestamp ??= timestamp;
            _cpuAtStop ??= cpu;
        }
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
