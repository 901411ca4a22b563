using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Profiling;

/// <summary>
/// Profiles named scopes inside named sessions: <c>using var scope = profiler.Scope("collision-detection");</c>.
/// Each scope records its duration on the histogram <c>accuscene.profiling.scope.duration</c>, and adds its duration and allocated bytes
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) to the current session. A session named
/// <c>default</c> runs until the first <see cref="StartSession"/>; the last 10 stopped sessions are kept.
/// With <see cref="AccuSceneProfilingOptions.Spans"/>, each scope is also an <see cref="Activity"/> on the
/// <c>AccuScene.Profiling</c> source.
/// A session keeps at most <see cref="AccuSceneProfilingOptions.MaxScopes"/> scope names; scopes with further
/// names are recorded under <see cref="OverflowScope"/> and counted. The duration histogram's scope tag takes at
/// most as many names over the profiler's life (later sessions' new names are tagged <see cref="OverflowScope"/>),
/// so its series stay bounded however many sessions run. Names are cut to
/// <see cref="AccuSceneProfilingOptions.MaxScopeNameLength"/> characters.
/// </summary>
public sealed class AccuSceneProfiler : IDisposable
{
    /// <summary>The activity source and meter name of the profiler.</summary>
    public const string SourceName = "AccuScene.Profiling";

    /// <summary>The scope name under which a full session records scopes with new names.</summary>
    public const string OverflowScope = "(overflow)";

    private const int KeptSessions = 10;
    private static readonly ActivitySource Source = new(SourceName);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly int _maxScopes;
    private readonly int _maxNameLength;
    private readonly bool _spans;
    private readonly LinkedList<ProfilingSession> _recent = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _tagged = new(StringComparer.Ordinal);
    private int _taggedCount;
    private volatile ProfilingSession _current; // written under _gate, read without it (every scope reads it)

    /// <summary>Creates a profiler.</summary>
    /// <param name="meterFactory">Creates the meter; <see langword="null"/> creates it directly.</param>
    /// <param name="time">The clock of scope durations and of session start and stop times.</param>
    /// <param name="options">The bounds; <see langword="null"/> takes the defaults. Read once, here.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is outside the range its option documents.</exception>
    public AccuSceneProfiler(IMeterFactory? meterFactory = null, TimeProvider? time = null, AccuSceneProfilingOptions? options = null)
    {
        options ??= new AccuSceneProfilingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxScopes, 1, "AccuScene:Profiling:MaxScopes");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxScopes, 10_000, "AccuScene:Profiling:MaxScopes");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxScopeNameLength, 16, "AccuScene:Profiling:MaxScopeNameLength");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxScopeNameLength, 1024, "AccuScene:Profiling:MaxScopeNameLength");
        _maxScopes = options.MaxScopes;
        _maxNameLength = options.MaxScopeNameLength;
        _spans = options.Spans;
        _time = time ?? TimeProvider.System;
        _meter = meterFactory?.Create(SourceName) ?? new Meter(SourceName);
        this.Duration = _meter.CreateHistogram<double>(
            "accuscene.profiling.scope.duration",
            "s",
            "Duration of each profiled scope.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBoundaries.MicrosecondToTenSeconds });
        _current = new ProfilingSession("default", _time, _maxScopes, byDefault: true);
    }

    /// <summary>Gets the session that scopes record into now.</summary>
    public ProfilingSession CurrentSession => _current;

    internal Histogram<double> Duration { get; }

    /// <summary>Gets the clock of scope durations and session times.</summary>
    internal TimeProvider Time => _time;

    /// <summary>Stops the current session and starts <paramref name="name"/>.</summary>
    /// <param name="name">The new session's name.</param>
    /// <returns>The new session.</returns>
    public ProfilingSession StartSession(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            // The new session is current before the old one stops: a scope starting meanwhile belongs to the new one.
            var next = new ProfilingSession(this.Clip(name), _time, _maxScopes);
            this.StopCurrent(next);
            return next;
        }
    }

    /// <summary>Stops the current session; scopes then record into a new <c>default</c> session.</summary>
    /// <returns>The stopped session.</returns>
    public ProfilingSession StopSession()
    {
        lock (_gate)
        {
            return this.StopCurrent(new ProfilingSession("default", _time, _maxScopes, byDefault: true));
        }
    }

    /// <summary>Starts a scope; dispose it to record it.</summary>
    /// <param name="name">The scope's name, for example <c>collision-detection</c>; cut to the maximum length.</param>
    /// <returns>The running scope.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public ProfileScope Scope(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = this.Clip(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(name); // white space up to the cut is still blank
        if (name == OverflowScope)
        {
            // Reserved: the scopes past MaxScopes are recorded under it, and counted as overflowed.
            throw new ArgumentException($"'{OverflowScope}' is the name of the overflow scope; choose another.", nameof(name));
        }

        return new(this, name, _spans ? Source.StartActivity(name) : null);
    }

    /// <summary>The running session and the recent stopped ones, newest first.</summary>
    /// <returns>The report served by <c>GET /profiling</c>.</returns>
    public ProfilingReport Report()
    {
        ProfilingSession current;
        ProfilingSession[] recent;
        lock (_gate)
        {
            current = _current;
            recent = [.. _recent];
        }

        return new ProfilingReport(current.Summarize(), [.. recent.Select(s => s.Summarize())]);
    }

    /// <summary>Compares the scopes two sessions share.</summary>
    /// <param name="baseline">The reference session.</param>
    /// <param name="candidate">The session compared with it.</param>
    /// <returns>One entry per shared scope name.</returns>
    public static IReadOnlyList<ProfilingScopeComparison> Compare(ProfilingSessionSummary baseline, ProfilingSessionSummary candidate)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(baseline.Scopes);
        ArgumentNullException.ThrowIfNull(candidate.Scopes);
        // Summaries built by hand can hold null entries or repeat a name: the first of each name counts.
        var byName = new Dictionary<string, ProfilingScopeSummary>(StringComparer.Ordinal);
        foreach (var scope in candidate.Scopes)
        {
            if (scope?.Name is { } name)
            {
                byName.TryAdd(name, scope);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. baseline.Scopes
            .Where(b => b?.Name is { } name && byName.ContainsKey(name) && seen.Add(name))
            .Select(b =>
            {
                var c = byName[b.Name];
                return new ProfilingScopeComparison(b.Name, b.MeanMs, c.MeanMs, Ratio(c.MeanMs, b.MeanMs), b.P95Ms, c.P95Ms, Ratio(c.P95Ms, b.P95Ms));
            })];
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    // A scope counts in the session it started in. One that ends after that session stopped belongs to neither that
    // session (stopped, its figures are final) nor the next (it ran before that began): it is in no session, counted.
    internal void Record(ProfilingSession session, string name, double elapsedSeconds, long allocatedBytes)
    {
        var recorded = session.Record(name, elapsedSeconds * 1000, allocatedBytes);
        if (recorded is null)
        {
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.ProfilingScopesUnassigned, 1);
        }

        try
        {
            this.Duration.Record(elapsedSeconds, new KeyValuePair<string, object?>("accuscene.profiling.scope", this.HistogramTag(recorded ?? _current.TagFor(name))));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A MeterListener's callback runs here, and may throw: it must not replace the app's own exception in the scope.
            AccuSceneSelfDiagnostics.ProcessorFailed("profiler", "record", ex);
        }
    }

    // The histogram's series outlive sessions (a cumulative exporter keeps every one): at most MaxScopes names over
    // the profiler's life, each admitted by reserving a place first, then the overflow scope.
    private string HistogramTag(string scope)
    {
        if (_tagged.ContainsKey(scope) || scope == OverflowScope)
        {
            return scope;
        }

        if (Volatile.Read(ref _taggedCount) < _maxScopes)
        {
            if (Interlocked.Increment(ref _taggedCount) <= _maxScopes)
            {
                if (!_tagged.TryAdd(scope, 0))
                {
                    // Another thread admitted the same name meanwhile: its place is given back.
                    Interlocked.Decrement(ref _taggedCount);
                }

                return scope;
            }

            Interlocked.Decrement(ref _taggedCount);
        }

        if (_tagged.ContainsKey(scope))
        {
            return scope;
        }

        // The session has the name (it was counted there if it had not); only the histogram folds it.
        AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.ProfilingScopesOverflowed, 1, new("accuscene.profiling.overflow", "histogram"));
        return OverflowScope;
    }

    private string Clip(string name) => TextLimits.Cut(name, _maxNameLength, suffix: string.Empty);

    private static double Ratio(double candidate, double baseline) => baseline > 0 ? candidate / baseline : double.NaN;

    private ProfilingSession StopCurrent(ProfilingSession next)
    {
        var stopped = _current;
        _current = next;
        stopped.Stop();
        if (stopped.ByDefault && stopped.IsEmpty)
        {
            // A default session nothing recorded into would push a real one out of the recent ones, and stand
            // where Compare(Report().Recent[0], …) looks for the session stopped last.
            return stopped;
        }

        _recent.AddFirst(stopped);
        while (_recent.Count > KeptSessions)
        {
            _recent.RemoveLast();
        }

        return stopped;
    }
}

/// <summary>
/// A running profiled scope; dispose it to record it, once, through <c>using</c>. A struct: starting and
/// stopping it allocates nothing beyond its Activity, if spans are on. Copies share nothing, so do not dispose a copy as well.
/// </summary>
public struct ProfileScope : IDisposable
{
    private readonly AccuSceneProfiler? _profiler;
    private readonly ProfilingSession? _session;
    private readonly string _name;
    private readonly Activity? _activity;
    private readonly long _started;
    private readonly long _allocatedAtStart;
    private readonly int _thread;
    private bool _disposed;

    internal ProfileScope(AccuSceneProfiler profiler, string name, Activity? activity)
    {
        _profiler = profiler;
        _session = profiler.CurrentSession;
        _name = name;
        _activity = activity;
        _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        _thread = Environment.CurrentManagedThreadId;
        _started = profiler.Time.GetTimestamp();
        _disposed = false;
    }

    /// <summary>Records the scope. Only the first call counts.</summary>
    public void Dispose()
    {
        if (_disposed || _profiler is null)
        {
            return;
        }

        _disposed = true;
        // From the timestamps, not GetElapsedTime: a TimeSpan cuts to 100 ns, a fifth of a 250 ns scope.
        var time = _profiler.Time;
        var elapsedSeconds = (double)(time.GetTimestamp() - _started) / time.TimestampFrequency;
        // The counter is per thread: a scope that resumed on another thread after an await has no meaningful delta.
        var allocated = Environment.CurrentManagedThreadId == _thread ? GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart : 0;
        try
        {
            _profiler.Record(_session!, _name, elapsedSeconds, allocated);
        }
        finally
        {
            // After the record: an app's activity listener that throws on stop must not cost the measurement.
            _activity?.Dispose();
        }
    }
}
