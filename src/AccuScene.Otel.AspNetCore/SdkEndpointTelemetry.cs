using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        if (IncludeSdkEndpoints(endpoints.ServiceProvider))
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

    /// <summary>
    /// For a server that serves only the SDK (the worker's health host): every request it takes stays out of the
    /// app's telemetry, those no endpoint answers included (a wrong path's 404, a <c>POST</c> to a probe's 405).
    /// </summary>
    /// <param name="app">The server's pipeline, before routing.</param>
    public static void ExcludeEveryRequestFromAppTelemetry(IApplicationBuilder app)
    {
        if (IncludeSdkEndpoints(app.ApplicationServices))
        {
            return;
        }

        app.Use((context, next) =>
        {
            StopRecording(context);
            if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
            {
                metrics.MetricsDisabled = true;
            }

            return next(context);
        });
    }

    // Without AddAccuScene() (per-signal builders, or the worker host on its own) the AccuScene__Tracing__IncludeSdkEndpoints
    // variable decides, and only it: the endpoints are not the place to check (and fail on) the rest of the options.
    private static bool IncludeSdkEndpoints(IServiceProvider services)
    {
        if (services.GetService<AccuSceneOptions>() is { } options)
        {
            return options.Tracing.IncludeSdkEndpoints;
        }

        var value = AccuSceneOptionsLoader.EnvironmentConfiguration()[IncludeSdkEndpointsKey];
        return value is null
            ? false
            : bool.TryParse(value, out var include)
                ? include
                : throw new OptionsValidationException(
                    Options.DefaultName,
                    typeof(AccuSceneOptions),
                    [$"{IncludeSdkEndpointsKey} must be true or false; it is '{value}'."]);
    }

    private const string IncludeSdkEndpointsKey = "AccuScene:Tracing:IncludeSdkEndpoints";

    private static void StopRecording(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        Silence(activity);

        // OpenTelemetry's ASP.NET Core instrumentation starts a request activity of its own in ASP.NET Core's place
        // when it reads the request's context apart from ASP.NET Core (a propagator of the app's own): it is the
        // current one then, and silenced too.
        if (Activity.Current is { OperationName: "Microsoft.AspNetCore.Hosting.HttpRequestIn" } current && current != activity)
        {
            Silence(current);
        }
    }

    // What OpenTelemetry's own request filter does: the tracer provider and every export processor skip an activity
    // that is neither all-data-requested nor recorded.
    private static void Silence(Activity? activity)
    {
        if (activity is not null)
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
