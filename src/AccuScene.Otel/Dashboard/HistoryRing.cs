namespace AccuScene.Otel.Dashboard;

/// <summary>One point of a metric's history; <see cref="double.NaN"/> where there is no value.</summary>
internal readonly record struct DashboardPoint(long UnixMilliseconds, double Value, double Rate, double P50, double P95, double P99);

/// <summary>
/// A bounded ring of points, oldest first. It starts small and doubles up to its capacity, so a short-lived
/// or sparse metric never holds the full array; once full, each new point overwrites the oldest.
/// </summary>
internal sealed class HistoryRing
{
    private const int InitialSlots = 16;
    private DashboardPoint[] _items;
    private int _start;

    public HistoryRing(int capacity)
    {
        this.Capacity = capacity;
        _items = new DashboardPoint[Math.Min(capacity, InitialSlots)];
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    /// <summary>Gets the slots allocated now (at most <see cref="Capacity"/>).</summary>
    public int AllocatedSlots => _items.Length;

    public DashboardPoint this[int index] => _items[(_start + index) % _items.Length];

    public void Add(in DashboardPoint point)
    {
        if (this.Count == _items.Length && _items.Length < this.Capacity)
        {
            var bigger = new DashboardPoint[Math.Min(this.Capacity, _items.Length * 2)];
            for (var i = 0; i < this.Count; i++)
            {
                bigger[i] = this[i];
            }

            _items = bigger;
            _start = 0;
        }

        if (this.Count < _items.Length)
        {
            _items[(_start + this.Count) % _items.Length] = point;
            this.Count++;
        }
        else
        {
            _items[_start] = point;
            _start = (_start + 1) % _items.Length;
        }
    }
}
