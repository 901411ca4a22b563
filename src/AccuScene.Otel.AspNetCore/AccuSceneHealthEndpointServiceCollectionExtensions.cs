using AccuScene.Otel;
using AccuScene.Otel.AspNetCore;
using AccuScene.Otel.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves the AccuScene health probes from worker processes.</summary>
public static class AccuSceneHealthEndpointServiceCollectionExtensions
{
    /// <summary>
    /// Starts a small Kestrel server with the health probes (<c>/health</c>, <c>/health/live</c>,
    /// <c>/health/ready</c>, <c>/health/startup</c>) with the host. It binds to
    /// <c>AccuScene:Health:Endpoint:Host</c>:<c>Port</c>, 127.0.0.1:8081 unless configured. With
    /// <c>AddAccuScene()</c> it also serves the worker's <c>/dashboard</c>, <c>/alerts</c> and <c>/events</c>. For web apps, map the same endpoints with <c>app.MapAccuSceneHealth()</c>,
    /// <c>MapAccuSceneDashboard()</c> and so on instead.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes to the endpoint options after configuration.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddAccuSceneHealthEndpoint(this IServiceCollection services, Action<AccuSceneHealthEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHealthChecks().AddAccuSceneScheduling();
        services.TryAddSingleton(sp =>
        {
            // The health section AddAccuScene() registered; without it, the AccuScene__Health__* variables. A copy
            // of the endpoint settings: configure changes this endpoint only.
            var health = sp.GetService<AccuSceneHealthOptions>() ?? HealthOptionsFromEnvironment.Load();
            var endpoint = new AccuSceneHealthOptions();
            (endpoint.Endpoint.Host, endpoint.Endpoint.Port, endpoint.Endpoint.Path) = (health.Endpoint.Host, health.Endpoint.Port, health.Endpoint.Path);
            configure?.Invoke(endpoint.Endpoint);
            HealthOptionsFromEnvironment.ThrowIfInvalid(endpoint);
            return new HealthEndpointHost(
                sp.GetRequiredService<AccuSceneHealthMonitor>(),
                endpoint.Endpoint,
                sp.GetService<ILogger<HealthEndpointHost>>() ?? NullLogger<HealthEndpointHost>.Instance,
                sp);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HealthEndpointHost>(sp => sp.GetRequiredService<HealthEndpointHost>()));
        return services;
    }
}
