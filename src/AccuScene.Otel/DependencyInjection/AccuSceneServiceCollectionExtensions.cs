using AccuScene.Otel;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>AccuScene extensions of <see cref="IServiceCollection"/>.</summary>
public static class AccuSceneServiceCollectionExtensions
{
    /// <summary>
    /// Adds OpenTelemetry with traces, metrics and logs wired by AccuScene
    /// (<c>services.AddOpenTelemetry().UseAccuScene()</c>). Options come from <c>AccuScene__*</c> environment
    /// variables; use the <see cref="IConfiguration"/> overload to bind <c>appsettings.json</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The OpenTelemetry builder, to add more sources or exporters.</returns>
    public static IOpenTelemetryBuilder AddAccuScene(this IServiceCollection services) =>
        services.AddOpenTelemetry().UseAccuScene();

    /// <summary>Adds AccuScene telemetry with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>AccuScene</c> section, or a root that contains it.</param>
    /// <returns>The OpenTelemetry builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range or unknown; the message names its key.</exception>
    public static IOpenTelemetryBuilder AddAccuScene(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddOpenTelemetry().UseAccuScene(configuration);
    }

    /// <summary>Adds AccuScene telemetry with options set in code (over <c>AccuScene__*</c> environment variables).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes to the options.</param>
    /// <returns>The OpenTelemetry builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    public static IOpenTelemetryBuilder AddAccuScene(this IServiceCollection services, Action<AccuSceneOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddOpenTelemetry().UseAccuScene(configure);
    }
}
