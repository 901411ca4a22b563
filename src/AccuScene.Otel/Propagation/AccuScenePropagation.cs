using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Trace;

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
        Sdk.SetDefaultTextMapPropagator(CreateTextMapPropagator(headers, propagator));
        return propagator;
    }

    /// <summary>
    /// ASP.NET Core takes its propagator from DI, registered when the host is created: hands it the one the tracer
    /// provider installs process-wide when it is built (so it is built first). Without this, requests would be read
    /// by .NET's plain W3C propagator: no x-accuscene-* headers, none of the checks.
    /// </summary>
    public static void ServeToHost(IServiceCollection services)
    {
        services.RemoveAll<DistributedContextPropagator>();
        services.AddSingleton(sp =>
        {
            _ = sp.GetService<TracerProvider>();
            return DistributedContextPropagator.Current;
        });
    }

    /// <summary>OpenTelemetry's propagator: trace context read by <paramref name="rules"/>' rules (a new one's when not given), then baggage and the AccuScene headers.</summary>
    public static TextMapPropagator CreateTextMapPropagator(PropagatedHeaders headers, AccuSceneDistributedContextPropagator? rules = null) =>
        new CompositeTextMapPropagator([new AccuSceneTraceContextPropagator(rules ?? new AccuSceneDistributedContextPropagator(headers)), new AccuSceneTextMapPropagator(headers)]);
}
