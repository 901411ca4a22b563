namespace AccuScene.Otel.Exporters;

/// <summary>Validation of <c>AccuScene:Exporters</c>.</summary>
internal static partial class ExporterOptionsValidation
{
    /// <param name="exporters">The section.</param>
    /// <param name="root">The bound section's path.</param>
    /// <param name="failures">Where failures go.</param>
    /// <param name="configuration">The host's configuration, where OpenTelemetry reads the <c>OTEL_*</c> keys; <see langword="null"/> for the environment only.</param>
    public static void Validate(AccuSceneExporterOptions exporters, string root, List<string> failures, Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
    {
        var otlp = exporters.Otlp;
        var key = $"{root}:Exporters:Otlp";
        if (otlp.Endpoint is { } endpoint && !OptionChecks.IsHttpUrl(endpoint))
        {
            failures.Add($"{key}:Endpoint must be an absolute http:// or https:// URL; it is {OptionChecks.DescribeUrl(endpoint)}.");
        }

        if (otlp.Endpoint is null && otlp.Enabled != false)
        {
            // OpenTelemetry reads these itself, and would only log a malformed one and export nowhere.
            foreach (var variable in AccuSceneExporterWiring.EndpointVariables)
            {
                if (AccuSceneExporterWiring.Setting(configuration, variable) is { } value
                    && !(Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && OptionChecks.IsHttpUrl(uri)))
                {
                    failures.Add($"{variable} must be an absolute http:// or https:// URL; it is {OptionChecks.DescribeUrl(value)}.");
                }
            }
        }

        if (otlp.Protocol is { } protocol
            && protocol != AccuSceneOtlpExporterOptions.GrpcProtocol
            && protocol != AccuSceneOtlpExporterOptions.HttpProtobufProtocol)
        {
            failures.Add($"{key}:Protocol must be 'grpc' or 'http/protobuf'; it is '{protocol}'.");
        }

        if (otlp.Headers is { } headers && BadHeaderPair(headers) is { } bad)
        {
            // Headers carry credentials: the message says which pair is wrong, never what it holds.
            failures.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key}:Headers must be 'key=value' pairs separated by commas; pair {bad} has no key before its '=' (values not shown)."));
        }

        var prometheus = exporters.Prometheus;
        if (string.IsNullOrWhiteSpace(prometheus.Host) || prometheus.Host.Contains('/', StringComparison.Ordinal))
        {
            failures.Add($"{root}:Exporters:Prometheus:Host must be a host name or address such as 127.0.0.1; it is '{prometheus.Host}'.");
        }

        if (!OptionChecks.IsPlainPath(prometheus.Path))
        {
            failures.Add($"{root}:Exporters:Prometheus:Path must start with '/' and hold only letters, digits, '-', '.', '_', '~' and '/', for example /metrics; it is '{prometheus.Path}'.");
        }

        if (otlp.DiskRetry.Enabled && string.IsNullOrWhiteSpace(otlp.DiskRetry.Directory))
        {
            failures.Add($"{key}:DiskRetry:Directory must be a directory path when {key}:DiskRetry:Enabled is true; it is empty.");
        }
        else if (otlp.DiskRetry.Directory is { } directory && directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{key}:DiskRetry:Directory must be a valid path; '{directory}' has invalid characters.");
        }
    }

    /// <summary>The 1-based position of the first pair without a key and an '=', or <see langword="null"/> when all are well formed.</summary>
    private static int? BadHeaderPair(string headers)
    {
        // Empty pairs too ("a=1,,b=2"), as OpenTelemetry refuses them when it builds the exporter; one comma at the
        // very end it reads as the end of the list.
        var pairs = headers.Split(',');
        var count = pairs.Length > 1 && pairs[^1].Length == 0 ? pairs.Length - 1 : pairs.Length;
        for (var i = 0; i < count; i++)
        {
            var index = pairs[i].IndexOf('=', StringComparison.Ordinal);
            if (index <= 0 || string.IsNullOrWhiteSpace(pairs[i][..index]))
            {
                return i + 1;
            }
        }

        return null;
    }
}
