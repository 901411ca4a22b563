using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Propagation;

/// <summary>
/// Installs the AccuScene propagators process-wide, so <see cref="DistributedContextPropagator.Current"/>
/// (used by HttpClient and ASP.NET Core) and <see cref="Propagators.DefaultTextMapPropagator"/> (used by
/// OpenTelemetry instrumentation) carry the same fields.
/// </summary>
internal static class AccuScenePropagation
{
    public static AccuSceneDistributedContextPropagator Install(PropagatedHeaders headers)
    {
        var propagator = new AccuSceneDistributedContextPropagator(headers);
        DistributedContextPropagator.Current = propagator;
        Sdk.SetDefaultTextMapPropagator(CreateTextMapPropagator(headers));
        return propagator;
    }

    public static TextMapPropagator CreateTextMapPropagator(PropagatedHeaders headers) =>
        new CompositeTextMapPropagator([new TraceContextPropagator(), new AccuSceneTextMapPropagator(headers)]);
}
