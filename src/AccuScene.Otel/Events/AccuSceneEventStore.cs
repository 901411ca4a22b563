using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Instrumentation.Events;

namespace AccuScene.Otel.Events;

/// <summary>
/// The bounded in-memory event store: a ring buffer of at most <see cref="Capacity"/> events and
/// <see cref="MaxBytes"/> estimated bytes. When either is reached the oldest events are dropped, and the drops
/// are counted (<see cref="Dropped"/> and <c>accuscene.otel.events.dropped</c>). A message, name or attribute
/// longer than its limit is cut, and attributes past the limit are left out (<see cref="Truncated"/> and
/// <c>accuscene.otel.events.truncated</c>). Thread-safe; queries copy what they return.
/// </summary>
internal sealed class AccuSceneEventStore
{
    private static AccuSceneEventStore? _shared;

    private readonly Lock _gate = new();
    private readonly EventLimits _limits;
    private readonly AccuSceneEvent?[] _ring;
    private readonly long[] _sizes;
    private int _next;
    private int _count;
    private long _bytes;
    private long _sequence;
    private long _dropped;
    private long _truncated;

    /// <summary>Creates a store with the limits of <paramref name="options"/>.</summary>
    /// <param name="options">The limits; <see langword="null"/> takes the defaults. Read once, here.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is outside the range its option documents.</exception>
    public AccuSceneEventStore(AccuSceneEventsOptions? options = null)
    {
        options ??= new AccuSceneEventsOptions();
        Check(options.MaxEvents, 100, 1_000_000, nameof(options.MaxEvents));
        Check(options.MaxBytes, 1L << 20, 1L << 30, nameof(options.MaxBytes));
        Check(options.MaxMessageLength, 64, 65_536, nameof(options.MaxMessageLength));
        Check(options.MaxAttributeLength, 16, 65_536, nameof(options.MaxAttributeLength));
        Check(options.MaxAttributes, 1, 1024, nameof(options.MaxAttributes));
        _limits = new EventLimits(options);
        _ring = new AccuSceneEvent?[options.MaxEvents];
        _sizes = new long[options.MaxEvents];
    }

    /// <summary>Gets the store used by providers built without a service collection that holds one.</summary>
    public static AccuSceneEventStore Shared => GetShared(null);

    /// <summary>The shared store; the first call's options decide its limits.</summary>
    internal static AccuSceneEventStore GetShared(AccuSceneEventsOptions? options) =>
        LazyInitializer.EnsureInitialized(ref _shared, () => new AccuSceneEventStore(options));

    /// <summary>Gets how many events it keeps.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Gets the estimated bytes it may hold.</summary>
    public long MaxBytes => _limits.MaxBytes;

    /// <summary>Gets how many events it holds now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Gets the estimated bytes of the events it holds now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Gets how many events were dropped to stay within <see cref="Capacity"/> and <see cref="MaxBytes"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Gets how many events were stored with a text cut or attributes left out.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>Adds an event; its <see cref="AccuSceneEvent.Id"/> is assigned here, and its texts are held to the store's limits.</summary>
    /// <param name="captured">The event (its id is ignored).</param>
    /// <returns>The stored event, with its id.</returns>
    public AccuSceneEvent Add(AccuSceneEvent captured)
    {
        ArgumentNullException.ThrowIfNull(captured);
        return this.Add(captured, owned: false);
    }

    /// <summary>Adds an event whose attribute dictionary the capture processor built for it and hands over.</summary>
    internal AccuSceneEvent AddCaptured(AccuSceneEvent captured) => this.Add(captured, owned: true);

    private AccuSceneEvent Add(AccuSceneEvent captured, bool owned)
    {
        var limited = _limits.Apply(captured, owned, out var truncated);
        var size = EventLimits.Estimate(limited);
        AccuSceneEvent stored;
        var dropped = 0;
        lock (_gate)
        {
            stored = limited with { Id = ++_sequence };
            if (size > _limits.MaxBytes)
            {
                // Only possible when the per-event limits allow more than the whole store: it is not kept.
                dropped = 1;
            }
            else
            {
                while (_count > 0 && (_count == _ring.Length || _bytes + size > _limits.MaxBytes))
                {
                    var oldest = (_next - _count + _ring.Length) % _ring.Length;
                    _bytes -= _sizes[oldest];
                    _ring[oldest] = null;
                    _count--;
                    dropped++;
                }

                _ring[_next] = stored;
                _sizes[_next] = size;
                _bytes += size;
                _next = (_next + 1) % _ring.Length;
                _count++;
            }
        }

        if (truncated)
        {
            Interlocked.Increment(ref _truncated);
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.EventsTruncated, 1);
        }

        if (dropped > 0)
        {
            Interlocked.Add(ref _dropped, dropped);
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.EventsDropped, dropped);
        }

        return stored;
    }

    /// <summary>Returns the events that match <paramref name="query"/>, newest first.</summary>
    /// <param name="query">The filters, limit and offset.</param>
    /// <returns>One page.</returns>
    public AccuSceneEventPage Query(AccuSceneEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var offset = Math.Max(query.Offset, 0);

        // Copied under the lock and filtered outside it, so a long query never holds up the threads that add.
        AccuSceneEvent[] snapshot;
        long dropped;
        lock (_gate)
        {
            // Oldest first, in at most two block copies (the results are sorted below): the lock is held for a copy.
            snapshot = new AccuSceneEvent[_count];
            var oldest = (_next - _count + _ring.Length) % _ring.Length;
            var first = Math.Min(_count, _ring.Length - oldest);
            Array.Copy(_ring, oldest, snapshot, 0, first);
            Array.Copy(_ring, 0, snapshot, first, _count - first);

            dropped = _sequence - _count;
        }

        // Newest first by timestamp: a span's events are captured when the span ends, after later log events.
        var matching = snapshot.Where(e => Matches(e, query)).OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).ToList();
        var page = matching.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < matching.Count ? offset + page.Count : (int?)null;
        return new AccuSceneEventPage(page, matching.Count, offset, next, dropped);
    }

    /// <summary>
    /// The newest <paramref name="limit"/> events at or above <paramref name="minimum"/>, newest first: what the
    /// dashboard shows. Unlike <see cref="Query"/>, it does not copy and sort the whole store once per dashboard
    /// update: it walks back from the newest captured through at least 1,024 events and
    /// until four times the limit match (a span's events are captured when it ends, after later log events, so
    /// the walk goes past them before it sorts by time), and never past the newest 16,384 (the store's lock is held
    /// meanwhile, and every thread that logs waits for it: a store of a million debug events is not walked whole
    /// for a warning).
    /// </summary>
    /// <param name="limit">How many, at most.</param>
    /// <param name="minimum">The lowest severity.</param>
    /// <returns>The events, newest first.</returns>
    public IReadOnlyList<AccuSceneEvent> Recent(int limit, AccuSceneEventSeverity minimum)
    {
        const int RecentReach = 1024;
        const int MaxReach = 16 * RecentReach;
        if (limit <= 0)
        {
            return [];
        }

        var wanted = limit * 4;
        var found = new List<AccuSceneEvent>(Math.Min(wanted, 256));
        lock (_gate)
        {
            for (var i = 0; i < _count && i < MaxReach && (found.Count < wanted || i < RecentReach); i++)
            {
                var item = _ring[(_next - 1 - i + _ring.Length) % _ring.Length]!;
                if (item.Severity >= minimum)
                {
                    found.Add(item);
                }
            }
        }

        return [.. found.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).Take(limit)];
    }

    private static void Check(long value, long min, long max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(nameof(AccuSceneEventsOptions) + "." + name, value, $"AccuScene:Events:{name} must be between {min} and {max}.");
        }
    }

    private static bool Matches(AccuSceneEvent item, AccuSceneEventQuery query) =>
        (query.MinimumSeverity is not { } severity || item.Severity >= severity)
        && (query.Categories is not { Count: > 0 } categories || categories.Contains(item.Category))
        && (query.From is not { } from || item.Timestamp >= from)
        && (query.To is not { } to || item.Timestamp < to)
        && (query.TraceId is not { } traceId || string.Equals(item.TraceId, traceId, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(query.Contains)
            || item.Name.Contains(query.Contains, StringComparison.OrdinalIgnoreCase)
            || item.Message.Contains(query.Contains, StringComparison.OrdinalIgnoreCase));
}
