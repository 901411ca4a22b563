using AccuScene.Otel;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>AccuScene extensions of <see cref="IServiceCollection"/>.</summary>
public static class AccuSceneServiceCollectionExtensions
{
    /// <summary>
    /// Adds OpenTelemetry with traces, metrics and logs wired by AccuScene
    /// (<c>services.AddOpenTelemetry().UseAccuScene()</c>). Options are <see cref="AccuSceneOptions"/> on the Options
    /// pipeline, bound from the host's <c>AccuScene</c> section when the container is built, honouring
    /// <c>Configure</c> and <c>PostConfigure</c>, validated on start and reloaded (alert rules, log levels). See
    /// <c>docs/configuration.md</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The OpenTelemetry builder, to add more sources or exporters.</returns>
    public static IOpenTelemetryBuilder AddAccuScene(this IServiceCollection services) =>
        services.AddOpenTelemetry().UseAccuScene();

    /// <summary>Adds AccuScene telemetry with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>AccuScene</c> section, or a root that contains it.</param>
    /// <returns>The OpenTelemetry builder.</returns>
    /// <exception cref="InvalidOperationException">AddAccuScene was already called on these services with other arguments, or <c>ILoggingBuilder.AddAccuScene()</c> already wired logging, or a provider builder's <c>AddAccuScene()</c> a provider.</exception>
    public static IOpenTelemetryBuilder AddAccuScene(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddOpenTelemetry().UseAccuScene(configuration);
    }

    /// <summary>Adds AccuScene telemetry with options set in code, over the host's <c>AccuScene</c> section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes to the options.</param>
    /// <returns>The OpenTelemetry builder.</returns>
    /// <exception cref="InvalidOperationException">AddAccuScene was already called on these services with other arguments, or <c>ILoggingBuilder.AddAccuScene()</c> already wired logging, or a provider builder's <c>AddAccuScene()</c> a provider.</exception>
    public static IOpenTelemetryBuilder AddAccuScene(this IServiceCollection services, Action<AccuSceneOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddOpenTelemetry().UseAccuScene(configure);
    }
}
