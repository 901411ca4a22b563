using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;

namespace AccuScene.Otel.Exporters;

/// <summary>Decides which exporters run and configures OpenTelemetry's own OTLP and console exporters.</summary>
internal static class AccuSceneExporterWiring
{
    internal const string RetryKey = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";
    internal const string RetryDirectoryKey = "OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH";

    private const string DirectoryKey = "Exporters:Otlp:DiskRetry:Directory";

    // OpenTelemetry's OTLP exporters keep each signal's stored requests in a directory of its own.
    private static readonly string[] SignalDirectories = ["traces", "metrics", "logs"];

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
    /// Turns on OpenTelemetry's own disk retry (<c>OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=disk</c>). The OTLP
    /// exporter reads that switch from <see cref="IConfiguration"/>, so the two keys are layered over the
    /// configuration already registered (or over the environment when there is none).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="diskRetry">The settings.</param>
    /// <param name="section">The path of the section the options are read from, in which an error names the key.</param>
    public static void AddDiskRetry(IServiceCollection services, AccuSceneDiskRetryOptions diskRetry, string section = "AccuScene")
    {
        if (!diskRetry.Enabled || services.Any(d => d.ServiceType == typeof(DiskRetryMarker)))
        {
            return;
        }

        string directory;
        try
        {
            directory = Path.GetFullPath(diskRetry.Directory!);
            CreatePrivateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OptionsValidationException(
                Microsoft.Extensions.Options.Options.DefaultName,
                typeof(AccuSceneOtlpExporterOptions),
                [$"{section}:{DirectoryKey} must be a directory this process can create and write, readable by its owner only (mode 0700); '{diskRetry.Directory}' failed: {ex.Message}"]);
        }

        var overlay = new Dictionary<string, string?>
        {
            [RetryKey] = "disk",
            [RetryDirectoryKey] = directory,
        };

        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IConfiguration) && !d.IsKeyedService);
        services.AddSingleton<DiskRetryMarker>();
        services.AddSingleton<IConfiguration>(sp =>
        {
            var builder = new ConfigurationBuilder();
            var inner = existing switch
            {
                { ImplementationInstance: IConfiguration instance } => instance,
                { ImplementationFactory: { } factory } => (IConfiguration)factory(sp),
                _ => null,
            };
            if (inner is null)
            {
                builder.AddEnvironmentVariables();
            }
            else
            {
                builder.AddConfiguration(inner, shouldDisposeConfiguration: false);
            }

            return builder.AddInMemoryCollection(overlay).Build();
        });
    }

    /// <summary>
    /// Creates the disk-retry directory, and the per-signal directories OpenTelemetry keeps in it, with mode
    /// 0700 whatever the umask, and tightens existing ones that group or others may use: OpenTelemetry 1.21
    /// refuses such a directory on Linux and macOS, and creates its own per-signal directories under the
    /// process umask (so under <c>umask 002</c> it would refuse the ones it made itself). A directory this
    /// process cannot change fails.
    /// </summary>
    internal static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        CreateOwnerOnly(directory);
        foreach (var signal in SignalDirectories)
        {
            CreateOwnerOnly(Path.Combine(directory, signal));
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnly(string directory)
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var info = Directory.CreateDirectory(directory, OwnerOnly);
        if ((info.UnixFileMode & ~OwnerOnly) != 0)
        {
            var wider = info.UnixFileMode;
            try
            {
                File.SetUnixFileMode(directory, OwnerOnly);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new UnauthorizedAccessException(
                    $"'{directory}' exists with mode {Convert.ToString((int)wider, 8)}, which group or others may use, and this process cannot change it to 0700 ({ex.Message}); change it with 'chmod 700' or choose another directory.",
                    ex);
            }
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

    private sealed class DiskRetryMarker;
}
