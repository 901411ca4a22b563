using System.Threading.Channels;

namespace AccuScene.Otel.Demo.Simulation;

/// <summary>The reconstructions <c>POST /scenes/{id}/simulate</c> asked for: bounded; a full queue refuses (503), never blocks.</summary>
internal sealed class SimulationQueue
{
    public const int Capacity = 64;

    private readonly Channel<string> _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(Capacity) { SingleReader = false, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<string> Reader => _channel.Reader;

    public bool TryEnqueue(string sceneId) => _channel.Writer.TryWrite(sceneId);
}

/// <summary>What the demo has done so far, for its progress line.</summary>
internal sealed class DemoCounters
{
    private long _runs;
    private long _failed;
    private long _collisions;
    private long _requests;

    public long Runs => Interlocked.Read(ref _runs);

    public long Failed => Interlocked.Read(ref _failed);

    public long Collisions => Interlocked.Read(ref _collisions);

    public long Requests => Interlocked.Read(ref _requests);

    public void RunCompleted(int collisions)
    {
        Interlocked.Increment(ref _runs);
        Interlocked.Add(ref _collisions, collisions);
    }

    public void RunFailed() => Interlocked.Increment(ref _failed);

    public void RequestSent() => Interlocked.Increment(ref _requests);
}
