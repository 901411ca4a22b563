using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;

namespace AccuScene.Otel.Exporters;

/// <summary>Decides which exporters run and configures OpenTelemetry's own OTLP and console exporters.</summary>
internal static partial class AccuSceneExporterWiring
{
    internal const string RetryKey = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";
    internal const string RetryDirectoryKey = "OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH";

    internal static readonly string[] EndpointVariables =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    /// <summary>
    /// OTLP is on for a signal when asked for, or when an endpoint is known for it: the option, the general
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or the signal's own variable (<c>OTEL_EXPORTER_OTLP_LOGS_ENDPOINT</c> turns
    /// on logs only: traces and metrics would otherwise export to the default localhost:4317 and fail).
    /// </summary>
    /// <param name="otlp">The AccuScene settings.</param>
    /// <param name="signal"><c>TRACES</c>, <c>METRICS</c> or <c>LOGS</c>.</param>
    /// <param name="configuration">The host's configuration, where OpenTelemetry's exporter reads the same keys; <see langword="null"/> for the environment only.</param>
    public static bool IsOtlpEnabled(AccuSceneOtlpExporterOptions otlp, string signal, IConfiguration? configuration = null) =>
        otlp.Enabled ?? (otlp.Endpoint is not null
            || Setting(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT") is not null
            || Setting(configuration, $"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT") is not null);

    /// <summary>
    /// A standard <c>OTEL_*</c> setting as OpenTelemetry reads it: from the host's configuration (appsettings.json,
    /// the environment, anything else the host added), else from the environment; <see langword="null"/> when blank.
    /// </summary>
    /// <param name="configuration">The host's configuration, or <see langword="null"/>.</param>
    /// <param name="key">The key, for example <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</param>
    public static string? Setting(IConfiguration? configuration, string key)
    {
        var value = configuration?[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = Environment.GetEnvironmentVariable(key);
        }

        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>OpenTelemetry's console exporter options as the app configured them (<c>Configure&lt;ConsoleExporterOptions&gt;</c>), else the defaults.</summary>
    public static ConsoleExporterOptions ConsoleOptions(IServiceProvider services) =>
        services.GetService<IOptionsMonitor<ConsoleExporterOptions>>()?.Get(Microsoft.Extensions.Options.Options.DefaultName) ?? new ConsoleExporterOptions();

    /// <summary>The standard <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds), from configuration or the environment, when it is a positive number.</summary>
    public static int? StandardExportInterval(IServiceProvider services)
    {
        var text = Setting(services.GetService<IConfiguration>(), "OTEL_METRIC_EXPORT_INTERVAL");
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
    }

    /// <summary>
    /// Applies the signal's own <c>OTEL_EXPORTER_OTLP_{SIGNAL}_*</c> settings, then the AccuScene OTLP settings, over
    /// what OpenTelemetry read from the general <c>OTEL_EXPORTER_OTLP_*</c> ones. OpenTelemetry's
    /// <c>AddOtlpExporter()</c> reads only the general ones (its README marks the signal's own "not supported" there);
    /// the specification, and its <c>UseOtlpExporter()</c>, have a signal's own win, its endpoint taken as the full URL.
    /// </summary>
    /// <param name="target">OpenTelemetry's exporter options.</param>
    /// <param name="otlp">The AccuScene settings.</param>
    /// <param name="signalPath">For http/protobuf: <c>v1/traces</c>, <c>v1/metrics</c> or <c>v1/logs</c>.</param>
    /// <param name="configuration">The host's configuration, where the <c>OTEL_*</c> keys are read; <see langword="null"/> for the environment only.</param>
    public static void Configure(OtlpExporterOptions target, AccuSceneOtlpExporterOptions otlp, string signalPath, IConfiguration? configuration = null)
    {
        var signal = signalPath[(signalPath.LastIndexOf('/') + 1)..].ToUpperInvariant();
        // Trimmed, as OpenTelemetry reads its own variables: "http/protobuf " is http/protobuf, not ignored.
        switch (Setting(configuration, $"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL")?.Trim())
        {
            case AccuSceneOtlpExporterOptions.HttpProtobufProtocol:
                target.Protocol = OtlpExportProtocol.HttpProtobuf;
                break;
            case AccuSceneOtlpExporterOptions.GrpcProtocol:
                target.Protocol = OtlpExportProtocol.Grpc;
                break;
        }

        if (Setting(configuration, $"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT") is { } own && Uri.TryCreate(own, UriKind.Absolute, out var ownEndpoint))
        {
            target.Endpoint = ownEndpoint;
        }

        switch (Setting(configuration, $"OTEL_EXPORTER_OTLP_{signal}_COMPRESSION")?.Trim().ToLowerInvariant())
        {
            case "gzip":
                target.Compression = OtlpExportCompression.GZip;
                break;
            case "none":
                target.Compression = OtlpExportCompression.None;
                break;
        }

        if (Setting(configuration, $"OTEL_EXPORTER_OTLP_{signal}_HEADERS") is { } ownHeaders)
        {
            target.Headers = ownHeaders;
        }

        if (int.TryParse(Setting(configuration, $"OTEL_EXPORTER_OTLP_{signal}_TIMEOUT"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ownTimeout) && ownTimeout > 0)
        {
            target.TimeoutMilliseconds = ownTimeout;
        }

        if (otlp.Protocol is { } protocol)
        {
            target.Protocol = protocol == AccuSceneOtlpExporterOptions.HttpProtobufProtocol
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
        }

        if (otlp.Endpoint is { } endpoint)
        {
            target.Endpoint = target.Protocol == OtlpExportProtocol.HttpProtobuf
                ? AppendPath(endpoint, signalPath)
                : endpoint;
        }

        if (otlp.Headers is { } headers)
        {
            target.Headers = headers;
        }

        if (otlp.TimeoutMilliseconds is { } timeout)
        {
            target.TimeoutMilliseconds = timeout;
        }
    }

    /// <summary>
    /// Puts the signal's path on a base URL. A URL that already ends with any <c>/v1/traces</c>,
    /// <c>/v1/metrics</c> or <c>/v1/logs</c> is taken as the base plus that path, so one setting serves all
    /// three signals; the query string is kept.
    /// </summary>
    internal static Uri AppendPath(Uri endpoint, string signalPath)
    {
        var builder = new UriBuilder(endpoint);
        var path = builder.Path.TrimEnd('/');
        foreach (var known in (string[])["/v1/traces", "/v1/metrics", "/v1/logs"])
        {
            if (path.EndsWith(known, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^known.Length];
                break;
            }
        }

        builder.Path = path + "/" + signalPath;
        return builder.Uri;
    }

}
