using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel;
using AccuScene.Otel.Events;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Hosting;
using AccuScene.Otel.Instrumentation.Metrics;
using AccuScene.Otel.Metrics.Percentiles;
using AccuScene.Otel.Profiling;
using AccuScene.Otel.Propagation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry;

/// <summary>AccuScene extensions of <see cref="IOpenTelemetryBuilder"/>.</summary>
public static class AccuSceneOpenTelemetryBuilderExtensions
{
    /// <summary>
    /// Wires traces, metrics and logs the AccuScene way: sources and meters named <c>AccuScene*</c>,
    /// processors, resource, sampler, propagation and exporters from configuration (console for development,
    /// OTLP when an endpoint is set). Options come from the host's <c>AccuScene</c> section on the Options pipeline
    /// (see <c>AddAccuScene()</c> and <c>docs/configuration.md</c>).
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddOpenTelemetry()</c>.</param>
    /// <returns>The same builder.</returns>
    public static IOpenTelemetryBuilder UseAccuScene(this IOpenTelemetryBuilder builder) =>
        UseAccuScene(builder, configuration: null, configure: null);

    /// <summary>Like <see cref="UseAccuScene(IOpenTelemetryBuilder)"/>, with changes to the options.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    /// <returns>The same builder.</returns>
    public static IOpenTelemetryBuilder UseAccuScene(this IOpenTelemetryBuilder builder, Action<AccuSceneOptions> configure) =>
        UseAccuScene(builder, configuration: null, configure);

    /// <summary>
    /// Like <see cref="UseAccuScene(IOpenTelemetryBuilder)"/>, with options bound from
    /// <paramref name="configuration"/>: the <c>AccuScene</c> section itself, or a root that contains it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration to bind.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException">UseAccuScene was already called on these services with other arguments, or <c>ILoggingBuilder.AddAccuScene()</c> already wired logging, or a provider builder's <c>AddAccuScene()</c> a provider.</exception>
    public static IOpenTelemetryBuilder UseAccuScene(this IOpenTelemetryBuilder builder, IConfiguration configuration) =>
        UseAccuScene(builder, configuration, configure: null);

    internal static IOpenTelemetryBuilder UseAccuScene(IOpenTelemetryBuilder builder, IConfiguration? configuration, Action<AccuSceneOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        BuilderWiringCheck.ThrowIfBuilderWired(services);
        if (services.Any(d => d.ServiceType == typeof(AccuSceneOptionsRegistration)))
        {
            // Already wired: the same arguments again do nothing, other ones throw (a second wiring would add every
            // exporter twice, and dropping it would ignore its settings without a word).
            _ = AccuSceneOptionsRegistration.Add(services, configuration, configure);
            return builder;
        }

        // The options are bound lazily (the host's configuration as it is when the container is built), validated on
        // start and reloaded; the few settings OpenTelemetry needs before the container exists are read now.
        var registration = AccuSceneOptionsRegistration.Add(services, configuration, configure);
        var atRegistration = registration.AtRegistration;
        Func<IServiceProvider, AccuSceneOptions> resolve = sp => sp.GetRequiredService<IOptions<AccuSceneOptions>>().Value;
        var section = configuration is null ? AccuSceneOptions.SectionName : AccuSceneOptionsRegistration.SectionOf(configuration).Path;
        AccuSceneExporterWiring.AddDiskRetry(services, atRegistration.Exporters.Otlp.DiskRetry, section);

        builder
            .WithTracing(t => AccuSceneTracerProviderBuilderExtensions.AddAccuSceneCore(t, resolve, atRegistration, registration.HostSettings))
            .WithMetrics(m => AccuSceneMeterProviderBuilderExtensions
                .AddAccuSceneCore(m, resolve, atRegistration, hostSettings: registration.HostSettings)

                // Process, memory and session metrics report from the start, without the app resolving them.
                .AddInstrumentation(sp => sp.GetRequiredService<SystemMetrics>()));
        if (AccuSceneLoggingBuilderExtensions.TryMarkLoggingWired(services, new(AccuSceneLoggingBuilderExtensions.LoggingWiring.Services, Configured: true)))
        {
            builder.WithLogging(l => AccuSceneLoggingBuilderExtensions.AddAccuSceneCore(l, sp => TryResolve(sp, resolve), atRegistration, registration.HostSettings));
            services.AddSingleton<IConfigureOptions<OpenTelemetryLoggerOptions>>(sp => new ConfigureOptions<OpenTelemetryLoggerOptions>(o =>
            {
                if (TryResolve(sp, resolve) is { } options)
                {
                    AccuSceneLoggingBuilderExtensions.ConfigureLoggerOptions(o, options);
                }
            }));
            AccuSceneLoggingBuilderExtensions.AddReloadingLevelFilters(services);
        }

        // The event store the capture processors fill, and the profiler.
        EventsRegistration.Add(services, sp => resolve(sp).Events);
        ProfilingRegistration.Add(services, sp => resolve(sp).Profiling);

        // The domain instrument sets, on meters from the DI meter factory.
        services.AddMetrics();
        services.TryAddSingleton(sp => new SimulationMetrics(sp.GetService<IMeterFactory>(), resolve(sp).Metrics.NamePrefix));
        services.TryAddSingleton(sp => new DatabaseMetrics(sp.GetService<IMeterFactory>(), resolve(sp).Metrics.NamePrefix));
        services.TryAddSingleton(sp => new CacheMetrics(sp.GetService<IMeterFactory>(), resolve(sp).Metrics.NamePrefix));
        services.TryAddSingleton(sp => new ApiMetrics(sp.GetService<IMeterFactory>(), resolve(sp).Metrics.NamePrefix));
        services.TryAddSingleton(sp => new SystemMetrics(sp.GetService<IMeterFactory>(), resolve(sp).Metrics.NamePrefix, sp.GetService<TimeProvider>()));

        AccuScenePropagation.ServeToHost(services);

        // Flush every provider when the host stops, whether or not the app disposes the host afterwards.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProviderFlushService>());
        return builder;
    }

    // A host builds logging before it starts: invalid options leave logging unconfigured, and the start reports them.
    private static AccuSceneOptions? TryResolve(IServiceProvider services, Func<IServiceProvider, AccuSceneOptions> resolve)
    {
        try
        {
            return resolve(services);
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }
}
