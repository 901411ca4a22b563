using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Propagation;
using BenchmarkDotNet.Attributes;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// P7: inject then extract (trace context and baggage) of one outgoing request carrying a scene and a
/// session: the .NET W3C propagator alone (baseline) against the AccuScene propagator, which also
/// writes, reads and validates the custom headers. <see cref="W3CPlusHeaderCalls"/> is a lower bound for any
/// propagator that carries the two headers: the W3C propagator plus the two setter and two getter calls of the
/// headers themselves, with constant values, so without finding them in the baggage, checking them, or handing
/// them back as baggage.
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
    public int W3CPlusHeaderCalls() => this.RoundTrip(_w3c, headers: true);

    [Benchmark]
    public int AccuSceneHeaders() => this.RoundTrip(_accuScene);

    private int RoundTrip(DistributedContextPropagator propagator, bool headers = false)
    {
        _carrier.Clear();
        propagator.Inject(_activity, _carrier, Setter);
        if (headers)
        {
            Setter(_carrier, PropagatedHeaders.SceneIdHeader, "scene-42");
            Setter(_carrier, PropagatedHeaders.SessionIdHeader, "session-7");
        }

        propagator.ExtractTraceIdAndState(_carrier, Getter, out var traceId, out _);
        var count = 0;
        foreach (var _ in propagator.ExtractBaggage(_carrier, Getter) ?? [])
        {
            count++;
        }

        if (headers)
        {
            Getter(_carrier, PropagatedHeaders.SceneIdHeader, out var scene, out _);
            Getter(_carrier, PropagatedHeaders.SessionIdHeader, out var session, out _);
            count += (scene?.Length ?? 0) + (session?.Length ?? 0);
        }

        return count + (traceId?.Length ?? 0);
    }
}
