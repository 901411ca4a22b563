using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Events;

/// <summary>
/// The bounded in-memory event store: a ring buffer of <see cref="Capacity"/> events. When it is full the
/// oldest event is dropped, and the drop is counted (<see cref="Dropped"/> and
/// <c>accuscene.otel.events.dropped</c>). Thread-safe; queries copy what they return.
/// </summary>
public sealed class AccuSceneEventStore
{
    private static AccuSceneEventStore? _shared;

    private readonly Lock _gate = new();
    private readonly AccuSceneEvent?[] _ring;
    private int _next;
    private int _count;
    private long _sequence;
    private long _dropped;

    /// <summary>Creates a store that keeps <paramref name="capacity"/> events.</summary>
    /// <param name="capacity">100 to 1,000,000.</param>
    public AccuSceneEventStore(int capacity = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1_000_000);
        _ring = new AccuSceneEvent?[capacity];
    }

    /// <summary>Gets the store used by providers built without a service collection that holds one.</summary>
    public static AccuSceneEventStore Shared => GetShared(10_000);

    /// <summary>The shared store; the first call's capacity decides its size.</summary>
    internal static AccuSceneEventStore GetShared(int capacity) =>
        LazyInitializer.EnsureInitialized(ref _shared, () => new AccuSceneEventStore(capacity));

    /// <summary>Gets how many events it keeps.</summary>
    public int Capacity => _ring.Length;

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

    /// <summary>Gets how many events were dropped because the store was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Adds an event; its <see cref="AccuSceneEvent.Id"/> is assigned here.</summary>
    /// <param name="captured">The event (its id is ignored).</param>
    /// <returns>The stored event, with its id.</returns>
    public AccuSceneEvent Add(AccuSceneEvent captured)
    {
        ArgumentNullException.ThrowIfNull(captured);
        AccuSceneEvent stored;
        var dropped = false;
        lock (_gate)
        {
            stored = captured with { Id = ++_sequence };
            dropped = _count == _ring.Length;
            _ring[_next] = stored;
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }

        if (dropped)
        {
            Interlocked.Increment(ref _dropped);
            AccuSceneSelfDiagnostics.EventsDropped.Add(1);
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
            snapshot = new AccuSceneEvent[_count];
            for (var i = 0; i < _count; i++)
            {
                snapshot[i] = _ring[(_next - 1 - i + _ring.Length) % _ring.Length]!;
            }

            dropped = _sequence - _count;
        }

        // Newest first by timestamp: a span's events are captured when the span ends, after later log events.
        var matching = snapshot.Where(e => Matches(e, query)).OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).ToList();
        var page = matching.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < matching.Count ? offset + page.Count : (int?)null;
        return new AccuSceneEventPage(page, matching.Count, offset, next, dropped);
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
