using AccuScene.Otel;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Metrics;
using AccuScene.Otel.Metrics.InProcess;
using AccuScene.Otel.Metrics.Percentiles;
using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Exporter;

namespace OpenTelemetry.Metrics;

/// <summary>AccuScene extensions of <see cref="MeterProviderBuilder"/>.</summary>
public static class AccuSceneMeterProviderBuilderExtensions
{
    /// <summary>
    /// Collects every <c>AccuScene</c> and <c>AccuScene.*</c> meter (the domain instrument sets, a team's
    /// own meters and the SDK's <c>AccuScene.Otel</c> self-diagnostics) and the runtime's
    /// <c>System.Runtime</c> meter, applies second-based histogram boundaries as views, and sets the
    /// resource and the exporters. Options come from <c>AccuScene__*</c> environment variables.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    public static MeterProviderBuilder AddAccuScene(this MeterProviderBuilder builder) =>
        AddAccuScene(builder, configure: null);

    /// <summary>
    /// Like <see cref="AddAccuScene(MeterProviderBuilder)"/>, then applies <paramref name="configure"/> to the
    /// options before they are validated.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes to the options, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    /// <exception cref="InvalidOperationException">The builder configures services that <c>services.AddAccuScene()</c> already wired.</exception>
    public static MeterProviderBuilder AddAccuScene(this MeterProviderBuilder builder, Action<AccuSceneOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure);
        builder.ConfigureServices(services =>
        {
            BuilderWiringCheck.MarkBuilder(services, "MeterProviderBuilder.AddAccuScene()");
            AccuSceneExporterWiring.AddDiskRetry(services, options.Exporters.Otlp.DiskRetry);
            EndpointAccess.Register(services, options);
        });
        return AddAccuSceneCore(builder, options);
    }

    /// <param name="builder">The builder.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="dashboard">
    /// Whether the dashboard can be shown: the facade keeps its providers' services to itself, so no endpoint could
    /// ever read its dashboard, and it would only cost an aggregation per measurement.
    /// </param>
    internal static MeterProviderBuilder AddAccuSceneCore(MeterProviderBuilder builder, AccuSceneOptions options, bool dashboard = true) =>
        AddAccuSceneCore(builder, _ => options, options, dashboard);

    /// <param name="builder">The builder.</param>
    /// <param name="resolve">The options in effect, read when the provider is built.</param>
    /// <param name="atRegistration">The options as read now, for the exporters OpenTelemetry registers before the service provider exists.</param>
    /// <param name="dashboard">Whether the dashboard can be shown (see the other overload).</param>
    /// <param name="hostSettings">The host's configuration at registration, where OpenTelemetry's exporter reads the <c>OTEL_*</c> keys; <see langword="null"/> for the environment only.</param>
    internal static MeterProviderBuilder AddAccuSceneCore(MeterProviderBuilder builder, Func<IServiceProvider, AccuSceneOptions> resolve, AccuSceneOptions atRegistration, bool dashboard = true, IConfiguration? hostSettings = null)
    {
        builder
            .ConfigureResource(r => r.AddDetector(sp => new AccuSceneResourceDetector(resolve(sp).Service, sp.GetService<IConfiguration>(), sp.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>()?.EnvironmentName)))
            .AddMeter(AccuSceneTelemetry.SourceName, AccuSceneTelemetry.SourceNamePrefix + "*");

        // In-process percentiles, one set per provider (per host: only meters of the host's IMeterFactory and
        // unscoped ones), started with the provider so they listen from the start. The alert engine always exists,
        // so /alerts answers and rules added at run time are fed. Alerts and the dashboard read the percentiles.
        builder.ConfigureServices(services =>
        {
            services.TryAddSingleton(sp => AccuScenePercentiles.Create(resolve(sp).Metrics.Percentiles, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
            AlertsRegistration.Add(services, sp => resolve(sp).Alerts, sp => resolve(sp).Service, sp => AlertRulesReload.CreateEngine(sp, resolve(sp)));
            if (dashboard)
            {
                DashboardRegistration.Add(services, sp => resolve(sp).Dashboard, sp => resolve(sp).Service, sp => resolve(sp).Metrics.NamePrefix);
            }
        });
        builder.AddInstrumentation(sp => sp.GetRequiredService<AccuScenePercentiles>());

        // Everything else is decided when the provider is built, from the options then in effect.
        DeferredMeter(builder).Configure((sp, b) => Configure(b, sp, resolve(sp)));

        var interval = atRegistration.Metrics.ExportIntervalMilliseconds;
        if (atRegistration.Exporters.Prometheus is { Enabled: true } prometheus)
        {
            // Pull exporter: explicit buckets only (it drops exponential histograms), text format by default.
            // OpenTelemetry's OTEL_EXPORTER_PROMETHEUS_HOST and _PORT stand where AccuScene's keys keep their defaults.
            var defaults = new AccuScenePrometheusExporterOptions();
            var standardHost = AccuSceneExporterWiring.Setting(hostSettings, "OTEL_EXPORTER_PROMETHEUS_HOST") is not null && prometheus.Host == defaults.Host;
            var standardPort = AccuSceneExporterWiring.Setting(hostSettings, "OTEL_EXPORTER_PROMETHEUS_PORT") is not null && prometheus.Port == defaults.Port;
            builder.AddPrometheusHttpListener(o =>
            {
                o.Host = standardHost ? o.Host : prometheus.Host;
                o.Port = standardPort ? o.Port : prometheus.Port;
                o.ScrapeEndpointPath = prometheus.Path;
            });
        }

        if (AccuSceneExporterWiring.IsOtlpEnabled(atRegistration.Exporters.Otlp, "METRICS", hostSettings))
        {
            var otlp = atRegistration.Exporters.Otlp;
            var enabledBy = UseOtlpExporterConflict.EnabledBy(otlp, "METRICS", hostSettings);
            DeferredMeter(builder).Configure((sp, _) => UseOtlpExporterConflict.ThrowIfUsed(sp, "metrics", enabledBy, AccuSceneOptionsRegistration.SectionPath(sp)));
            builder.AddOtlpExporter((exporter, reader) =>
            {
                AccuSceneExporterWiring.Configure(exporter, otlp, "v1/metrics", hostSettings);
                if (interval is { } value)
                {
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = value;
                }
            });
        }

        return builder;
    }

    private static void Configure(MeterProviderBuilder builder, IServiceProvider services, AccuSceneOptions options)
    {
        // Exemplars link a histogram bucket (OTLP, OpenMetrics scrapes), an alert and a chart to a trace. The
        // standard variable, when set and not overridden by the option, is left to OpenTelemetry to read.
        if (options.Metrics.ExemplarFilter is { } filter)
        {
            builder.SetExemplarFilter(filter);
        }
        else if (AccuSceneExporterWiring.Setting(services.GetService<IConfiguration>(), "OTEL_METRICS_EXEMPLAR_FILTER") is null)
        {
            builder.SetExemplarFilter(ExemplarFilterType.TraceBased);
        }

        AccuSceneHistogramViews.AddViews(builder, options.Metrics);

        // One in-process reader for the features that read metrics in the process (the alert rules, the dashboard):
        // OpenTelemetry aggregates each measurement once for all of them. Each feature registered its consumer.
        InProcessMetricReader.Add(builder, services.GetServices<IInProcessMetricConsumer>());

        if (options.Metrics.CollectRuntime)
        {
            builder.AddMeter("System.Runtime");
        }

        if (options.Tracing.CollectHttp)
        {
            // The native HTTP metrics (http.server.request.duration, http.client.request.duration, ...).
            builder.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http");
        }

        if (options.Exporters.Console.Enabled)
        {
            // OpenTelemetry's console exporter, built here so it follows the options in effect: the option, else
            // OTEL_METRIC_EXPORT_INTERVAL, else 10 s.
            builder.AddReader(new PeriodicExportingMetricReader(
                new ConsoleMetricExporter(AccuSceneExporterWiring.ConsoleOptions(services)),
                options.Metrics.ExportIntervalMilliseconds ?? AccuSceneExporterWiring.StandardExportInterval(services) ?? 10_000));
        }
    }

    private static IDeferredMeterProviderBuilder DeferredMeter(MeterProviderBuilder builder) =>
        builder as IDeferredMeterProviderBuilder
        ?? throw new NotSupportedException($"AddAccuScene() needs a builder that can defer its configuration (IDeferredMeterProviderBuilder), as OpenTelemetry's own builders do; {builder.GetType()} cannot.");
}
