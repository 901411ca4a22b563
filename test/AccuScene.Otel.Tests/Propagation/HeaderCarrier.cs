using System.Diagnostics;

namespace AccuScene.Otel.Tests.Propagation;

/// <summary>A case-insensitive header dictionary with the callbacks both propagator APIs want.</summary>
internal sealed class HeaderCarrier : Dictionary<string, string>
{
    public HeaderCarrier()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    public static readonly DistributedContextPropagator.PropagatorSetterCallback Setter =
        (carrier, name, value) => ((HeaderCarrier)carrier!)[name] = value;

    public static readonly DistributedContextPropagator.PropagatorGetterCallback Getter =
        (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((HeaderCarrier)carrier!).TryGetValue(name, out var v) ? v : null;
        };

    public static IEnumerable<string>? Get(HeaderCarrier carrier, string name) =>
        carrier.TryGetValue(name, out var v) ? [v] : null;

    public static void Set(HeaderCarrier carrier, string name, string value) => carrier[name] = value;
}
