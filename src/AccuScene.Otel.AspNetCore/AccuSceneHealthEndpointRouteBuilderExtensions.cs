using AccuScene.Otel.AspNetCore;
using AccuScene.Otel.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the AccuScene health probes.</summary>
public static class AccuSceneHealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {pattern}/live</c>, <c>{pattern}/ready</c>, <c>{pattern}/startup</c> and <c>{pattern}</c> (the
    /// full report, with the readiness status). Each answers from the cached results of
    /// <see cref="AccuSceneHealthMonitor"/>, never by running a check: 200 when Healthy or Degraded, 503 when
    /// Unhealthy, with a JSON body listing every check.
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="pattern">The prefix. Default <c>/health</c>.</param>
    /// <returns>The route group, for conventions such as authorization.</returns>
    public static RouteGroupBuilder MapAccuSceneHealth(this IEndpointRouteBuilder endpoints, string pattern = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var group = endpoints.MapGroup(pattern);

        // The SDK's endpoints in a group of their own: endpoints the app adds to the returned group stay app traffic.
        var sdk = group.MapGroup(string.Empty).ExcludeFromAppTelemetry(endpoints);
        sdk.MapGet("/", Probe(HealthProbe.Ready));
        sdk.MapGet("/live", Probe(HealthProbe.Live));
        sdk.MapGet("/ready", Probe(HealthProbe.Ready));
        sdk.MapGet("/startup", Probe(HealthProbe.Startup));
        return group;
    }

    private static RequestDelegate Probe(HealthProbe probe) => async context =>
    {
        var report = context.RequestServices.GetRequiredService<AccuSceneHealthMonitor>().GetReport(probe);
        context.Response.StatusCode = report.HttpStatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await AccuSceneHealthJson.WriteAsync(report, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    };
}
