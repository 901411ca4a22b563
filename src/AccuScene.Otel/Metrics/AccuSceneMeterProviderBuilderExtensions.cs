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
    public static MeterProviderBuilder AddAccuScene(this MeterProviderBuilder builder, Action<AccuSceneOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure);
        builder.ConfigureServices(services => AccuSceneExporterWiring.AddDiskRetry(services, options.Exporters.Otlp.DiskRetry));
        return AddAccuSceneCore(builder, options);
    }

    /// <param name="builder">The builder.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="dashboard">
    /// Whether the dashboard can be shown: the facade keeps its providers' services to itself, so no endpoint could
    /// ever read its dashboard, and it would only cost an aggregation per measurement.
    /// </param>
    internal static MeterProviderBuilder AddAccuSceneCore(MeterProviderBuilder builder, AccuSceneOptions options, bool dashboard = true)
    {
        builder
            .ConfigureResource(r => r.AddDetector(sp => new AccuSceneResourceDetector(options.Service, sp.GetService<IConfiguration>())))
            .AddMeter(AccuSceneTelemetry.SourceName, AccuSceneTelemetry.SourceNamePrefix + "*");

        // Exemplars link a histogram bucket (OTLP, OpenMetrics scrapes), an alert and a chart to a trace. The
        // standard variable, when set and not overridden by the option, is left to OpenTelemetry to read.
        if (options.Metrics.ExemplarFilter is { } filter)
        {
            builder.SetExemplarFilter(filter);
        }
        else if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_METRICS_EXEMPLAR_FILTER")))
        {
            builder.SetExemplarFilter(ExemplarFilterType.TraceBased);
        }
        AccuSceneHistogramViews.AddViews(builder, options.Metrics);

        // In-process percentiles, one set per provider (per host: only meters of the host's IMeterFactory and
        // unscoped ones), started with the provider so they listen from the start. Alerts and the dashboard read them.
        var percentiles = options.Metrics.Percentiles;
        builder.ConfigureServices(services => services.TryAddSingleton(
            sp => AccuScenePercentiles.Create(percentiles, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>())));
        builder.AddInstrumentation(sp => sp.GetRequiredService<AccuScenePercentiles>());
        // One in-process reader for the alert rules and the dashboard: OpenTelemetry aggregates each measurement
        // once for both. It collects at the dashboard's interval when the dashboard is on (else the rules'), and
        // both get every collection.
        var inProcess = new List<Func<IServiceProvider, BaseExporter<Metric>>>();
        if (options.Alerts.Rules.Count > 0)
        {
            // The rules read the same metric points as every exporter.
            var alerts = options.Alerts;
            builder.ConfigureServices(services =>
            {
                services.TryAddSingleton(sp => new AccuSceneAlertEngine(alerts.Rules, sp.GetService<TimeProvider>(), alerts.HistorySize)
                {
                    IdentityLabels = AccuSceneResourceDetector.IdentityLabels(options.Service, sp.GetService<IConfiguration>()),
                });
                services.TryAddSingleton(sp => AlertChannels.CreateDelivery(sp, alerts, options.Service));
            });
            inProcess.Add(sp => new AlertMetricExporter(sp.GetRequiredService<AlertDelivery>().Engine, () => sp.GetService<AccuScenePercentiles>()));
        }

        if (options.Dashboard.Enabled && dashboard)
        {
            // The dashboard reads the same points, at its sample interval.
            builder.ConfigureServices(services => services.TryAddSingleton(sp => new AccuSceneDashboard(
                options.Dashboard,
                AccuSceneDashboardServiceName.Resolve(options.Service, sp.GetService<IConfiguration>()),
                sp.GetService<TimeProvider>(),
                sp,
                options.Metrics.NamePrefix)));
            inProcess.Add(sp => sp.GetRequiredService<AccuSceneDashboard>().CreateExporter());
        }

        if (inProcess.Count > 0)
        {
            builder.AddReader(sp =>
            {
                // The dashboard's history rings are sized by its own interval, so when it is on it sets the pace.
                var interval = options.Dashboard.Enabled && dashboard ? options.Dashboard.SampleIntervalMilliseconds : options.Alerts.EvaluationIntervalMilliseconds;
                return new PeriodicExportingMetricReader(new InProcessMetricExporter([.. inProcess.Select(c => c(sp))]), interval)
                {
                    TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
                };
            });
        }

        if (options.Metrics.CollectRuntime)
        {
            builder.AddMeter("System.Runtime");
        }

        if (options.Tracing.CollectHttp)
        {
            // The native HTTP metrics (http.server.request.duration, http.client.request.duration, ...).
            builder.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http");
        }

        var interval = options.Metrics.ExportIntervalMilliseconds;
        if (options.Exporters.Console.Enabled)
        {
            builder.AddConsoleExporter((_, reader) => SetInterval(reader, interval));
        }

        if (options.Exporters.Prometheus is { Enabled: true } prometheus)
        {
            // Pull exporter: explicit buckets only (it drops exponential histograms), text format by default.
            builder.AddPrometheusHttpListener(o =>
            {
                o.Host = prometheus.Host;
                o.Port = prometheus.Port;
                o.ScrapeEndpointPath = prometheus.Path;
            });
        }

        if (AccuSceneExporterWiring.IsOtlpEnabled(options.Exporters.Otlp))
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                AccuSceneExporterWiring.Configure(exporter, options.Exporters.Otlp, "v1/metrics");
                SetInterval(reader, interval);
            });
        }

        return builder;
    }

    private static void SetInterval(MetricReaderOptions reader, int? interval)
    {
        if (interval is { } value)
        {
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = value;
        }
    }
}
