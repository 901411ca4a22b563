using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.AspNetCore;

/// <summary>
/// Keeps the SDK's own endpoints (health probes, dashboard, alerts, events, profiling) out of the app's
/// telemetry, wherever they are mapped: no points in <c>http.server.request.duration</c> (ASP.NET Core's
/// endpoint metadata for that), and no server span, because the request's activity stops recording before
/// the handler runs, so a parent-based sampler (OpenTelemetry's default) samples none of its children
/// either. <c>AccuScene:Tracing:IncludeSdkEndpoints</c> turns both back on. A request refused before the
/// handler runs (authorization, rate limiting) still has its server span.
/// </summary>
internal static class SdkEndpointTelemetry
{
    public static TBuilder ExcludeFromAppTelemetry<TBuilder>(this TBuilder builder, IEndpointRouteBuilder endpoints)
        where TBuilder : IEndpointConventionBuilder
    {
        // Without AddAccuScene() (per-signal builders, or the worker host on its own) the AccuScene__*
        // variables decide, as they do for the rest of the SDK.
        var options = endpoints.ServiceProvider.GetService<AccuSceneOptions>()
            ?? AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure: null);
        if (options.Tracing.IncludeSdkEndpoints)
        {
            return builder;
        }

        builder.DisableHttpMetrics();
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } handler)
            {
                endpoint.RequestDelegate = context =>
                {
                    StopRecording(context);
                    return handler(context);
                };
            }
        });
        return builder;
    }

    private static void StopRecording(HttpContext context)
    {
        if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
        {
            // What OpenTelemetry's own request filter does: the tracer provider and every export processor
            // skip an activity that is neither all-data-requested nor recorded.
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
