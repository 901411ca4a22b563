using System.Threading.Channels;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// One channel's notifications waiting for delivery, bounded twice: by count (<c>QueueCapacity</c>) and by the
/// bytes their text takes (<see cref="MaxBytes"/>, estimated). Past either bound the oldest notification goes and
/// is reported to <c>dropped</c>, so a receiver that is down holds neither a thousand notifications of large
/// annotations nor an unbounded amount of memory. Many writers (the engine's threads), one worker reading.
/// </summary>
internal sealed class NotificationQueue
{
    /// <summary>The most bytes of notifications one channel's queue holds: 16 MiB.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    private readonly Channel<AlertNotification> _channel;
    private readonly Action _dropped;
    private readonly long _maxBytes;
    private int _count;
    private long _bytes;

    public NotificationQueue(int capacity, Action dropped, long maxBytes = MaxBytes)
    {
        _dropped = dropped;
        _maxBytes = maxBytes;

        // Not SingleReader: a writer over the byte bound takes the oldest off itself.
        _channel = Channel.CreateBounded<AlertNotification>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest },
            this.Drop);
    }

    /// <summary>Gets how many notifications wait.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets the estimated bytes of the notifications that wait.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Returns the estimated bytes <paramref name="notification"/> holds (see <see cref="AlertSize"/>).</summary>
    public static long SizeOf(AlertNotification notification) => AlertSize.Of(notification.Alert);

    /// <summary>Queues <paramref name="notification"/>; the oldest go when either bound is passed, each reported as dropped.</summary>
    public void Enqueue(AlertNotification notification)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, SizeOf(notification));
        if (!_channel.Writer.TryWrite(notification))
        {
            this.Drop(notification); // completed: the process is stopping
            return;
        }

        while (this.Bytes > _maxBytes && _channel.Reader.TryRead(out var oldest))
        {
            this.Drop(oldest);
        }
    }

    /// <summary>Takes the oldest notification off the queue.</summary>
    public bool TryRead(out AlertNotification notification)
    {
        if (!_channel.Reader.TryRead(out notification!))
        {
            return false;
        }

        this.Remove(notification);
        return true;
    }

    /// <summary>Gets whether a notification waits.</summary>
    public bool Any() => _channel.Reader.TryPeek(out _);

    /// <summary>Waits until a notification can be read: false when the queue is completed and empty.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes no more notifications; those queued can still be read.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private void Drop(AlertNotification notification)
    {
        this.Remove(notification);
        _dropped();
    }

    private void Remove(AlertNotification notification)
    {
        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -SizeOf(notification));
    }
}
