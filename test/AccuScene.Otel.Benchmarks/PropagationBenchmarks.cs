using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Propagation;
using BenchmarkDotNet.Attributes;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// P7: inject then extract (trace context and baggage) of one outgoing request carrying a scene and a
/// session: the .NET W3C propagator alone (baseline) against the AccuScene propagator, which also
/// writes, reads and validates the custom headers.
/// </summary>
[MemoryDiagnoser]
public class PropagationBenchmarks
{
    private static readonly DistributedContextPropagator.PropagatorSetterCallback Setter =
        (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value;

    private static readonly DistributedContextPropagator.PropagatorGetterCallback Getter =
        (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((Dictionary<string, string>)carrier!).GetValueOrDefault(name);
        };

    private readonly DistributedContextPropagator _w3c = DistributedContextPropagator.CreateW3CPropagator();
    private readonly DistributedContextPropagator _accuScene = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default);
    private readonly Dictionary<string, string> _carrier = new(StringComparer.OrdinalIgnoreCase);
    private Activity _activity = null!;

    [GlobalSetup]
    public void Setup()
    {
        _activity = new Activity("client").SetIdFormat(ActivityIdFormat.W3C).Start();
        _activity.SetBaggage(AccuSceneAttributes.SceneId, "scene-42");
        _activity.SetBaggage(AccuSceneAttributes.SessionId, "session-7");
    }

    [GlobalCleanup]
    public void Cleanup() => _activity.Dispose();

    [Benchmark(Baseline = true)]
    public int W3COnly() => this.RoundTrip(_w3c);

    [Benchmark]
    public int AccuSceneHeaders() => this.RoundTrip(_accuScene);

    private int RoundTrip(DistributedContextPropagator propagator)
    {
        _carrier.Clear();
        propagator.Inject(_activity, _carrier, Setter);
        propagator.ExtractTraceIdAndState(_carrier, Getter, out var traceId, out _);
        var count = 0;
        foreach (var _ in propagator.ExtractBaggage(_carrier, Getter) ?? [])
        {
            count++;
        }

        return count + (traceId?.Length ?? 0);
    }
}
