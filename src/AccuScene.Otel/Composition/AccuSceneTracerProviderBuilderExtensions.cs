using AccuScene.Otel;
using AccuScene.Otel.Events;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Propagation;
using AccuScene.Otel.Redaction;
using AccuScene.Otel.Resources;
using AccuScene.Otel.Tracing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace OpenTelemetry.Trace;

/// <summary>AccuScene extensions of <see cref="TracerProviderBuilder"/>.</summary>
public static class AccuSceneTracerProviderBuilderExtensions
{
    /// <summary>
    /// Collects every <c>AccuScene</c> and <c>AccuScene.*</c> ActivitySource (and, unless turned off, the
    /// native HttpClient source and ASP.NET Core server spans through OpenTelemetry's ASP.NET Core
    /// instrumentation), adds AccuScene's processors, sets the resource, the sampler (only when
    /// <c>AccuScene:Tracing:SamplingRatio</c> is set) and the exporters, and installs W3C plus AccuScene header
    /// propagation when the provider is built. Options come from <c>AccuScene__*</c> environment variables.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    public static TracerProviderBuilder AddAccuScene(this TracerProviderBuilder builder) =>
        AddAccuScene(builder, configure: null);

    /// <summary>
    /// Like <see cref="AddAccuScene(TracerProviderBuilder)"/>, then applies <paramref name="configure"/> to the
    /// options before they are validated.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes to the options, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    /// <exception cref="InvalidOperationException">The builder configures services that <c>services.AddAccuScene()</c> already wired.</exception>
    public static TracerProviderBuilder AddAccuScene(this TracerProviderBuilder builder, Action<AccuSceneOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure);
        builder.ConfigureServices(services =>
        {
            BuilderWiringCheck.MarkBuilder(services, "TracerProviderBuilder.AddAccuScene()");
            AccuSceneExporterWiring.AddDiskRetry(services, options.Exporters.Otlp.DiskRetry);
            EndpointAccess.Register(services, options);
            AccuScenePropagation.ServeToHost(services);
        });
        return AddAccuSceneCore(builder, options);
    }

    internal static TracerProviderBuilder AddAccuSceneCore(TracerProviderBuilder builder, AccuSceneOptions options) =>
        AddAccuSceneCore(builder, _ => options, options);

    /// <param name="builder">The builder.</param>
    /// <param name="resolve">The options in effect, read when the provider is built.</param>
    /// <param name="atRegistration">
    /// The options as read now, for what OpenTelemetry needs before the service provider exists (the OTLP exporter,
    /// ASP.NET Core's instrumentation); see <see cref="AccuSceneOptionsRegistration.RegistrationKeys"/>.
    /// </param>
    /// <param name="hostSettings">The host's configuration at registration, where OpenTelemetry's exporter reads the <c>OTEL_*</c> keys; <see langword="null"/> for the environment only.</param>
    internal static TracerProviderBuilder AddAccuSceneCore(TracerProviderBuilder builder, Func<IServiceProvider, AccuSceneOptions> resolve, AccuSceneOptions atRegistration, IConfiguration? hostSettings = null)
    {
        builder
            .ConfigureResource(r => r.AddDetector(sp => new AccuSceneResourceDetector(resolve(sp).Service, sp.GetService<IConfiguration>(), sp.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>()?.EnvironmentName)))
            .AddSource(AccuSceneTelemetry.SourceName, AccuSceneTelemetry.SourceNamePrefix + "*");

        // Everything else is decided when the provider is built, from the options then in effect.
        DeferredTracer(builder).Configure((sp, b) => Configure(b, sp, resolve(sp)));
        if (atRegistration.Tracing.CollectHttp)
        {
            // HttpClient's native spans already follow the HTTP conventions. ASP.NET Core's do not: through
            // .NET 10 it leaves the HttpRequestIn activity unnamed and without http.* data, so its server spans
            // come through OpenTelemetry's instrumentation (docs/architecture.md explains the choice).
            builder.AddSource("System.Net.Http");
            builder.AddAspNetCoreInstrumentation(o => o.RecordException = true);
        }

        if (AccuSceneExporterWiring.IsOtlpEnabled(atRegistration.Exporters.Otlp, "TRACES", hostSettings))
        {
            var otlp = atRegistration.Exporters.Otlp;
            var enabledBy = UseOtlpExporterConflict.EnabledBy(otlp, "TRACES", hostSettings);
            DeferredTracer(builder).Configure((sp, _) => UseOtlpExporterConflict.ThrowIfUsed(sp, "traces", enabledBy, AccuSceneOptionsRegistration.SectionPath(sp)));
            builder.AddOtlpExporter(o => AccuSceneExporterWiring.Configure(o, otlp, "v1/traces", hostSettings));
        }

        return builder;
    }

    private static void Configure(TracerProviderBuilder builder, IServiceProvider services, AccuSceneOptions options)
    {
        // Process-wide, so installed when the provider is built rather than when AddAccuScene() is called.
        var headers = PropagatedHeaders.From(options.Tracing.PropagatedHeaders);
        AccuScenePropagation.Install(headers);
        builder.AddProcessor(new ContextAttributesProcessor(headers));
        var redactor = Redactor.From(options.Redaction);
        if (!redactor.IsEmpty)
        {
            builder.AddProcessor(new RedactingActivityProcessor(redactor));
        }

        if (EventsRegistration.ActivityProcessor(services, options.Events, redactor) is { } events)
        {
            builder.AddProcessor(events);
        }

        if (options.Tracing.SamplingRatio is { } ratio)
        {
            builder.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)));
        }

        if (options.Exporters.Console.Enabled)
        {
            builder.AddProcessor(new SimpleActivityExportProcessor(new ConsoleActivityExporter(AccuSceneExporterWiring.ConsoleOptions(services))));
        }
    }

    private static IDeferredTracerProviderBuilder DeferredTracer(TracerProviderBuilder builder) =>
        builder as IDeferredTracerProviderBuilder
        ?? throw new NotSupportedException($"AddAccuScene() needs a builder that can defer its configuration (IDeferredTracerProviderBuilder), as OpenTelemetry's own builders do; {builder.GetType()} cannot.");
}
