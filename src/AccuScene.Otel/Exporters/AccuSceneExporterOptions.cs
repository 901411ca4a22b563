using System.ComponentModel.DataAnnotations;
namespace AccuScene.Otel;

/// <summary>Exporters wired for every signal (<c>AccuScene:Exporters</c>).</summary>
public sealed class AccuSceneExporterOptions
{
    /// <summary>Gets the console exporter settings, meant for development.</summary>
    public AccuSceneConsoleExporterOptions Console { get; } = new();

    /// <summary>Gets the OTLP exporter settings.</summary>
    public AccuSceneOtlpExporterOptions Otlp { get; } = new();

    /// <summary>Gets the Prometheus scrape endpoint settings.</summary>
    public AccuScenePrometheusExporterOptions Prometheus { get; } = new();
}

/// <summary>
/// The Prometheus scrape endpoint (<c>AccuScene:Exporters:Prometheus</c>), served by OpenTelemetry's
/// HttpListener exporter in the text exposition format.
/// </summary>
public sealed class AccuScenePrometheusExporterOptions
{
    /// <summary>Gets or sets a value indicating whether metrics are served for scraping. Default: <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the host name or address to bind. Default: <c>127.0.0.1</c> (loopback only).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the port. Default: 9464.</summary>
    [Range(1, 65_535)]
    public int Port { get; set; } = 9464;

    /// <summary>Gets or sets the path of the scrape endpoint, starting with <c>/</c>. Default: <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";
}

/// <summary>The console exporter (<c>AccuScene:Exporters:Console</c>).</summary>
public sealed class AccuSceneConsoleExporterOptions
{
    /// <summary>Gets or sets a value indicating whether spans, metrics and logs are written to stdout. Default: <see langword="false"/>.</summary>
    public bool Enabled { get; set; }
}

/// <summary>The OTLP exporter (<c>AccuScene:Exporters:Otlp</c>).</summary>
public sealed class AccuSceneOtlpExporterOptions
{
    /// <summary>The gRPC protocol name.</summary>
    public const string GrpcProtocol = "grpc";

    /// <summary>The HTTP protobuf protocol name.</summary>
    public const string HttpProtobufProtocol = "http/protobuf";

    /// <summary>
    /// Gets or sets a value indicating whether OTLP export is on for all three signals. Default (<see langword="null"/>):
    /// on for a signal when <see cref="Endpoint"/>, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or the signal's own variable
    /// (<c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, <c>…_METRICS_…</c>, <c>…_LOGS_…</c>) is set.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Gets or sets the collector's base URL, for example <c>http://127.0.0.1:4317</c>. For
    /// <c>http/protobuf</c> the signal paths <c>/v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> are
    /// appended. Default: the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets <c>grpc</c> or <c>http/protobuf</c>. Default: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else <c>grpc</c>.
    /// </summary>
    public string? Protocol { get; set; }

    /// <summary>Gets or sets extra headers as <c>key1=value1,key2=value2</c>, as in <c>OTEL_EXPORTER_OTLP_HEADERS</c>.</summary>
    public string? Headers { get; set; }

    /// <summary>Gets or sets the export timeout in milliseconds. Default: the OpenTelemetry default (10000).</summary>
    [Range(1, 600_000)]
    public int? TimeoutMilliseconds { get; set; }

    /// <summary>Gets the retry-to-disk settings.</summary>
    public AccuSceneDiskRetryOptions DiskRetry { get; } = new();
}

/// <summary>
/// OTLP retry through OpenTelemetry's own persistent storage (<c>AccuScene:Exporters:Otlp:DiskRetry</c>),
/// the same as <c>OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=disk</c>.
/// </summary>
public sealed class AccuSceneDiskRetryOptions
{
    /// <summary>Gets or sets a value indicating whether failed exports are kept on disk and re-sent. Default: <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the directory that holds failed exports. Required when <see cref="Enabled"/>.</summary>
    public string? Directory { get; set; }
}
