using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Metrics;

/// <summary>
/// Cache instruments on the meter <c>AccuScene.Cache</c>: hits, misses, the hit ratio, items and size,
/// each tagged <c>accuscene.cache.name</c>. See <c>docs/metrics.md</c>.
/// </summary>
public sealed class CacheMetrics : AccuSceneInstrumentSet
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AccuScene.Cache";

    // The most caches whose hit ratio is tracked; lookups of further caches share one overflow ratio (docs/reliability.md).
    internal const int MaxTrackedCaches = 1000;

    private readonly ConcurrentDictionary<string, HitCounts> _byCache = new(StringComparer.Ordinal);
    private readonly HitCounts _overflow = new();
    private readonly Lock _adding = new();
    private int _tracked;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Gauge<long> _items;
    private readonly Gauge<long> _size;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The DI meter factory, or <see langword="null"/>.</param>
    /// <param name="namePrefix">Optional prefix for <c>accuscene.*</c> names.</param>
    public CacheMetrics(IMeterFactory? meterFactory = null, string? namePrefix = null)
        : base(MeterName, meterFactory, namePrefix)
    {
        _hits = this.Meter.CreateCounter<long>(this.Name("accuscene.cache.hits"), "{lookup}", "Cache lookups that found the item.");
        _misses = this.Meter.CreateCounter<long>(this.Name("accuscene.cache.misses"), "{lookup}", "Cache lookups that did not.");
        _items = this.Meter.CreateGauge<long>(this.Name("accuscene.cache.items"), "{item}", "Items in the cache.");
        _size = this.Meter.CreateGauge<long>(this.Name("accuscene.cache.size"), "By", "Size of the cache in bytes.");
        this.Meter.CreateObservableGauge(this.Name("accuscene.cache.hit_ratio"), this.ObserveHitRatio, "1", "Hits divided by lookups since start, per cache.");
    }

    /// <summary>Records a lookup that hit.</summary>
    /// <param name="cacheName">The logical cache.</param>
    public void Hit(string cacheName)
    {
        ArgumentNullException.ThrowIfNull(cacheName);
        cacheName = this.Bound(cacheName, "accuscene.cache.hits");
        Interlocked.Increment(ref this.Counts(cacheName).Hits);
        _hits.Add(1, new KeyValuePair<string, object?>(AccuSceneAttributes.CacheName, cacheName));
    }

    /// <summary>Records a lookup that missed.</summary>
    /// <param name="cacheName">The logical cache.</param>
    public void Miss(string cacheName)
    {
        ArgumentNullException.ThrowIfNull(cacheName);
        cacheName = this.Bound(cacheName, "accuscene.cache.misses");
        Interlocked.Increment(ref this.Counts(cacheName).Misses);
        _misses.Add(1, new KeyValuePair<string, object?>(AccuSceneAttributes.CacheName, cacheName));
    }

    /// <summary>Records how many items the cache holds and their size.</summary>
    /// <param name="cacheName">The logical cache.</param>
    /// <param name="items">Items held.</param>
    /// <param name="sizeBytes">Bytes held.</param>
    public void RecordSize(string cacheName, long items, long sizeBytes)
    {
        ArgumentNullException.ThrowIfNull(cacheName);
        // Each value stands alone: a negative item count does not take a valid size with it.
        var tag = new KeyValuePair<string, object?>(AccuSceneAttributes.CacheName, this.Bound(cacheName, "accuscene.cache.size"));
        if (this.Accept(items, "accuscene.cache.items"))
        {
            _items.Record(items, tag);
        }

        if (this.Accept(sizeBytes, "accuscene.cache.size"))
        {
            _size.Record(sizeBytes, tag);
        }
    }

    // Bounded like OpenTelemetry's own cardinality limit: past MaxTrackedCaches names, one overflow entry. A name
    // longer than 256 characters is not tracked by name either, so the table stays bounded in bytes too.
    // The count is kept here: ConcurrentDictionary.Count takes every lock of the dictionary, on every lookup of an
    // untracked name once the table is full. A new name is added under a lock (at most 1,000 times), so threads
    // adding names at once can neither pass the bound together nor send a name to the overflow while places are free.
    private HitCounts Counts(string cacheName)
    {
        if (_byCache.TryGetValue(cacheName, out var counts))
        {
            return counts;
        }

        if (cacheName.Length > 256)
        {
            return _overflow;
        }

        if (Volatile.Read(ref _tracked) >= MaxTrackedCaches)
        {
            // The name may have taken the last place since the lookup above: a name is in the table before it is counted.
            return _byCache.TryGetValue(cacheName, out counts) ? counts : _overflow;
        }

        lock (_adding)
        {
            if (_byCache.TryGetValue(cacheName, out counts))
            {
                return counts;
            }

            if (_tracked >= MaxTrackedCaches)
            {
                return _overflow;
            }

            var added = new HitCounts();
            _byCache[cacheName] = added;
            Volatile.Write(ref _tracked, _tracked + 1);
            return added;
        }
    }

    private IEnumerable<Measurement<double>> ObserveHitRatio()
    {
        // On a factory's meter the gauge outlives the set: a disposed set's stale counts would contend with a live one's.
        if (this.IsDisposed)
        {
            yield break;
        }

        foreach (var (name, counts) in _byCache)
        {
            var hits = Volatile.Read(ref counts.Hits);
            var lookups = hits + Volatile.Read(ref counts.Misses);
            if (lookups > 0)
            {
                yield return new Measurement<double>((double)hits / lookups, new KeyValuePair<string, object?>(AccuSceneAttributes.CacheName, name));
            }
        }

        var overflowHits = Volatile.Read(ref _overflow.Hits);
        var overflowLookups = overflowHits + Volatile.Read(ref _overflow.Misses);
        if (overflowLookups > 0)
        {
            yield return new Measurement<double>((double)overflowHits / overflowLookups, new KeyValuePair<string, object?>("otel.metric.overflow", true));
        }
    }

    private sealed class HitCounts
    {
        public long Hits;
        public long Misses;
    }
}
