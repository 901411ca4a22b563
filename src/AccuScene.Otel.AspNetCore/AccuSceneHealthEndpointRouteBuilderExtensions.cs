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
    /// Maps <c>GET</c> and <c>HEAD</c> of <c>{pattern}/live</c>, <c>{pattern}/ready</c>, <c>{pattern}/startup</c> and
    /// <c>{pattern}</c> (the full report, with the readiness status). Each answers from the cached results of
    /// <see cref="AccuSceneHealthMonitor"/>, never by running a check: 200 when Healthy or Degraded, 503 when
    /// Unhealthy, to anyone. The JSON body lists every check for a local request (the server listens on loopback
    /// only and the request came from there, as for <c>/events</c>) or one with
    /// <c>Authorization: Bearer &lt;AccuScene:Endpoints:ReadToken&gt;</c>, or one the app's own authorization on the
    /// endpoint admits; any other gets the status alone, since
    /// descriptions may hold exception messages and addresses.
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="pattern">The prefix. Default <c>/health</c>.</param>
    /// <returns>The route group, for conventions such as authorization.</returns>
    /// <exception cref="InvalidOperationException">No health check was registered through the <c>AddAccuScene…Check</c> methods (or <c>AddAccuSceneScheduling()</c>), so there is no monitor to answer from.</exception>
    public static RouteGroupBuilder MapAccuSceneHealth(this IEndpointRouteBuilder endpoints, string pattern = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);

        // As ASP.NET Core's MapHealthChecks() does: a probe that could only ever answer 500 fails the start instead.
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(AccuSceneHealthMonitor)))
        {
            throw new InvalidOperationException(
                "MapAccuSceneHealth() needs the AccuScene health monitor: register checks with services.AddHealthChecks().AddAccuScene…Check(…) "
                + "(or .AddAccuSceneScheduling() to schedule checks added otherwise).");
        }

        var group = endpoints.MapGroup(pattern);

        // The SDK's endpoints in a group of their own: endpoints the app adds to the returned group stay app traffic.
        // GET and HEAD, as MapHealthChecks() answers any method: some load balancers probe with HEAD (Azure Front Door
        // by default), and an unanswered HEAD would be the framework's 405, in the app's telemetry.
        var sdk = group.MapGroup(string.Empty).ExcludeFromAppTelemetry(endpoints);
        sdk.MapMethods("/", EndpointGuards.GetOrHead, Probe(HealthProbe.Ready));
        sdk.MapMethods("/live", EndpointGuards.GetOrHead, Probe(HealthProbe.Live));
        sdk.MapMethods("/ready", EndpointGuards.GetOrHead, Probe(HealthProbe.Ready));
        sdk.MapMethods("/startup", EndpointGuards.GetOrHead, Probe(HealthProbe.Startup));
        return group;
    }

    private static RequestDelegate Probe(HealthProbe probe) => async context =>
    {
        var report = context.RequestServices.GetRequiredService<AccuSceneHealthMonitor>().GetReport(probe);
        context.Response.StatusCode = report.HttpStatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return; // the status and headers alone
        }

        var details = EndpointGuards.BrowserRefusal(context) is null
            && await EndpointGuards.MayReadAsync(context, AccuScene.Otel.EndpointAccess.Resolve(context.RequestServices).ReadToken).ConfigureAwait(false);
        await AccuSceneHealthJson.WriteAsync(report, context.Response.Body, details, AccuScene.Otel.AccuSceneOptionsRegistration.SectionPath(context.RequestServices) + ":Endpoints:ReadToken", context.RequestAborted).ConfigureAwait(false);
    };
}
