using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel.Exporters;

/// <summary>
/// OpenTelemetry refuses its cross-cutting <c>UseOtlpExporter()</c> beside a signal's own <c>AddOtlpExporter()</c>, and
/// says so in terms of <c>AddOtlpExporter</c>, which the app never called: AccuScene did, because an endpoint is set
/// (Aspire sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> for every project, and its service defaults call
/// <c>UseOtlpExporter()</c>). This check runs first and says what to change.
/// </summary>
internal static class UseOtlpExporterConflict
{
    // Internal to OpenTelemetry's OTLP exporter: registered once per UseOtlpExporter() call. Should a later release rename
    // it, the lookup finds nothing and OpenTelemetry's own message is the one the app sees.
    private const string RegistrationType = "OpenTelemetry.Exporter.UseOtlpExporterRegistration, OpenTelemetry.Exporter.OpenTelemetryProtocol";

    // How EnabledBy names an AccuScene option; the message names it under the section the options are bound to.
    private const string OptionKeyPrefix = "AccuScene:";

    /// <summary>Throws when the app also called <c>UseOtlpExporter()</c>.</summary>
    /// <param name="services">The provider's services.</param>
    /// <param name="signal"><c>traces</c>, <c>metrics</c> or <c>logs</c>.</param>
    /// <param name="enabledBy">The setting that turned AccuScene's OTLP exporter on for the signal.</param>
    /// <param name="section">
    /// The path of the section the options are bound to (<c>services.AddAccuScene(configuration.GetSection("Telemetry"))</c>
    /// reads <c>Telemetry:…</c>), in which the message names the keys.
    /// </param>
    /// <exception cref="InvalidOperationException">The app called <c>UseOtlpExporter()</c> too.</exception>
    public static void ThrowIfUsed(IServiceProvider services, string signal, string enabledBy, string section)
    {
        if (Type.GetType(RegistrationType, throwOnError: false) is { } type && services.GetService(type) is not null)
        {
            var setting = enabledBy.StartsWith(OptionKeyPrefix, StringComparison.Ordinal) ? section + enabledBy[(OptionKeyPrefix.Length - 1)..] : enabledBy;
            throw new InvalidOperationException(
                $"AccuScene exports {signal} by OTLP itself because {setting} is set (in configuration or in code), and OpenTelemetry's "
                + "UseOtlpExporter() cannot run beside a signal's own OTLP exporter. Either remove UseOtlpExporter() (AccuScene reads the same "
                + $"OTEL_EXPORTER_OTLP_* settings), or set {section}:Exporters:Otlp:Enabled=false so that UseOtlpExporter() exports AccuScene's "
                + $"telemetry ({section}:Exporters:Otlp:DiskRetry still applies to it; the other {section}:Exporters:Otlp settings no longer do).");
        }
    }

    /// <summary>The setting that turns AccuScene's OTLP exporter on for <paramref name="signal"/>, by the rule of <see cref="AccuSceneExporterWiring.IsOtlpEnabled"/>.</summary>
    /// <param name="otlp">The AccuScene settings.</param>
    /// <param name="signal"><c>TRACES</c>, <c>METRICS</c> or <c>LOGS</c>.</param>
    /// <param name="configuration">The host's configuration, or <see langword="null"/> for the environment only.</param>
    public static string EnabledBy(AccuSceneOtlpExporterOptions otlp, string signal, IConfiguration? configuration) =>
        otlp.Enabled is true ? "AccuScene:Exporters:Otlp:Enabled"
        : otlp.Endpoint is not null ? "AccuScene:Exporters:Otlp:Endpoint"
        : AccuSceneExporterWiring.Setting(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT") is not null ? "OTEL_EXPORTER_OTLP_ENDPOINT"
        : $"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT";
}
