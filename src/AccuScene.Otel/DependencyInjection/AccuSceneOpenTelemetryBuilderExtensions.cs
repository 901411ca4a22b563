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
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry;

/// <summary>AccuScene extensions of <see cref="IOpenTelemetryBuilder"/>.</summary>
public static class AccuSceneOpenTelemetryBuilderExtensions
{
    /// <summary>
    /// Wires traces, metrics and logs the AccuScene way: sources and meters named <c>AccuScene*</c>,
    /// processors, resource, sampler, propagation and exporters from configuration (console for development,
    /// OTLP when an endpoint is set). Options come from <c>AccuScene__*</c> environment variables.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddOpenTelemetry()</c>.</param>
    /// <returns>The same builder.</returns>
    public static IOpenTelemetryBuilder UseAccuScene(this IOpenTelemetryBuilder builder) =>
        UseAccuScene(builder, AccuSceneOptionsLoader.EnvironmentConfiguration(), configure: null);

    /// <summary>Like <see cref="UseAccuScene(IOpenTelemetryBuilder)"/>, with changes to the options.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    /// <returns>The same builder.</returns>
    public static IOpenTelemetryBuilder UseAccuScene(this IOpenTelemetryBuilder builder, Action<AccuSceneOptions> configure) =>
        UseAccuScene(builder, AccuSceneOptionsLoader.EnvironmentConfiguration(), configure);

    /// <summary>
    /// Like <see cref="UseAccuScene(IOpenTelemetryBuilder)"/>, with options bound from
    /// <paramref name="configuration"/>: the <c>AccuScene</c> section itself, or a root that contains it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The configuration to bind.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="OptionsValidationException">An option is out of range or unknown; the message names its key.</exception>
    public static IOpenTelemetryBuilder UseAccuScene(this IOpenTelemetryBuilder builder, IConfiguration configuration) =>
        UseAccuScene(builder, configuration, configure: null);

    internal static IOpenTelemetryBuilder UseAccuScene(IOpenTelemetryBuilder builder, IConfiguration? configuration, Action<AccuSceneOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(AccuSceneOptions)))
        {
            // Already wired: a second call would add every exporter twice.
            return builder;
        }

        var options = AccuSceneOptionsLoader.Load(configuration, configure);
        services.AddSingleton(options);
        services.AddSingleton<IOptions<AccuSceneOptions>>(Microsoft.Extensions.Options.Options.Create(options));
        AccuSceneExporterWiring.AddDiskRetry(services, options.Exporters.Otlp.DiskRetry);

        builder
            .WithTracing(t => AccuSceneTracerProviderBuilderExtensions.AddAccuSceneCore(t, options))
            .WithMetrics(m => AccuSceneMeterProviderBuilderExtensions
                .AddAccuSceneCore(m, options)

                // Process, memory and session metrics report from the start, without the app resolving them.
                .AddInstrumentation(sp => sp.GetRequiredService<SystemMetrics>()));
        if (AccuSceneLoggingBuilderExtensions.TryMarkLoggingWired(services))
        {
            builder.WithLogging(
                l => AccuSceneLoggingBuilderExtensions.AddAccuSceneCore(l, options),
                o => AccuSceneLoggingBuilderExtensions.ConfigureLoggerOptions(o, options));
            AccuSceneLoggingBuilderExtensions.AddLevelFilters(services, options.Logging);
        }

        // The event store the capture processors fill, and the profiler.
        services.TryAddSingleton(_ => new AccuSceneEventStore(options.Events));
        services.TryAddSingleton(sp => new AccuSceneProfiler(sp.GetService<IMeterFactory>(), sp.GetService<TimeProvider>(), options.Profiling));

        // The domain instrument sets, on meters from the DI meter factory.
        services.AddMetrics();
        var prefix = options.Metrics.NamePrefix;
        services.TryAddSingleton(sp => new SimulationMetrics(sp.GetService<IMeterFactory>(), prefix));
        services.TryAddSingleton(sp => new DatabaseMetrics(sp.GetService<IMeterFactory>(), prefix));
        services.TryAddSingleton(sp => new CacheMetrics(sp.GetService<IMeterFactory>(), prefix));
        services.TryAddSingleton(sp => new ApiMetrics(sp.GetService<IMeterFactory>(), prefix));
        services.TryAddSingleton(sp => new SystemMetrics(sp.GetService<IMeterFactory>(), prefix, sp.GetService<TimeProvider>()));

        // ASP.NET Core takes its propagator from DI; hand it the one the tracer provider installs process-wide
        // when it is built, so build it first.
        services.RemoveAll<DistributedContextPropagator>();
        services.AddSingleton(sp =>
        {
            _ = sp.GetService<TracerProvider>();
            return DistributedContextPropagator.Current;
        });

        // Flush every provider when the host stops, whether or not the app disposes the host afterwards.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProviderFlushService>());
        return builder;
    }
}
