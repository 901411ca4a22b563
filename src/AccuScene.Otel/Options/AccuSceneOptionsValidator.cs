using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>
/// Validates <see cref="AccuSceneOptions"/>. Every failure names the full configuration key and the
/// allowed range, for example <c>AccuScene:Tracing:SamplingRatio must be between 0 and 1; it is 1.5.</c>
/// </summary>
internal sealed partial class AccuSceneOptionsValidator : IValidateOptions<AccuSceneOptions>
{
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "traceparent", "tracestate", "baggage", "correlation-context", "request-id",
        "x-accuscene-scene-id", "x-accuscene-session-id",
    };

    /// <summary>The largest number of extra propagated headers.</summary>
    public const int MaxPropagatedHeaders = 16;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, AccuSceneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Collect(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Validates <paramref name="options"/> and throws when anything is out of range.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="OptionsValidationException">One or more values are invalid; each message names its key.</exception>
    public static void ThrowIfInvalid(AccuSceneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Collect(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AccuSceneOptions), failures);
        }
    }

    /// <summary>Collects every failure; keys are named under <paramref name="root"/>, the bound section's path.</summary>
    internal static List<string> Collect(AccuSceneOptions options, string root = AccuSceneOptions.SectionName)
    {
        var failures = new List<string>();
        AccuSceneOptionsRanges.Collect(options, root, failures);
        ValidateService(options.Service, root, failures);
        ValidateExporters(options.Exporters, root, failures);
        ValidateMetrics(options.Metrics, root, failures);
        ValidateTracing(options.Tracing, root, failures);
        ValidateLogging(options.Logging, root, failures);
        ValidateRedaction(options.Redaction, root, failures);
        ValidateHealth(options.Health, root, failures);
        ValidateAlerts(options.Alerts, root, failures);
        ValidateDashboard(options.Dashboard, root, failures);
        RequireNonBlankIfSet(options.Endpoints.ReadToken, $"{root}:Endpoints:ReadToken", failures);
        if (!Enum.IsDefined(options.Events.MinimumLevel))
        {
            failures.Add($"{root}:Events:MinimumLevel must be one of Trace, Debug, Information, Warning, Error, Critical or None; it is {options.Events.MinimumLevel}.");
        }
        return failures;
    }

    private static void ValidateService(AccuSceneServiceOptions service, string root, List<string> failures)
    {
        RequireNonBlankIfSet(service.Name, $"{root}:Service:Name", failures);
        RequireNonBlankIfSet(service.Version, $"{root}:Service:Version", failures);
        RequireNonBlankIfSet(service.InstanceId, $"{root}:Service:InstanceId", failures);
        RequireNonBlankIfSet(service.Environment, $"{root}:Service:Environment", failures);
    }

    private static bool IsHttpUrl(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void ValidateExporters(AccuSceneExporterOptions exporters, string root, List<string> failures)
    {
        var otlp = exporters.Otlp;
        var key = $"{root}:Exporters:Otlp";
        if (otlp.Endpoint is { } endpoint && !IsHttpUrl(endpoint))
        {
            failures.Add($"{key}:Endpoint must be an absolute http:// or https:// URL; it is '{endpoint}'.");
        }

        if (otlp.Endpoint is null && otlp.Enabled != false)
        {
            // OpenTelemetry reads these itself, and would only log a malformed one and export nowhere.
            foreach (var variable in Exporters.AccuSceneExporterWiring.EndpointVariables)
            {
                if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                    && !(Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && IsHttpUrl(uri)))
                {
                    failures.Add($"{variable} must be an absolute http:// or https:// URL; it is '{value}'.");
                }
            }
        }

        if (otlp.Protocol is { } protocol
            && protocol != AccuSceneOtlpExporterOptions.GrpcProtocol
            && protocol != AccuSceneOtlpExporterOptions.HttpProtobufProtocol)
        {
            failures.Add($"{key}:Protocol must be 'grpc' or 'http/protobuf'; it is '{protocol}'.");
        }

        if (otlp.Headers is { } headers && !IsValidHeaderList(headers))
        {
            failures.Add($"{key}:Headers must be 'key=value' pairs separated by commas; it is '{headers}'.");
        }

        var prometheus = exporters.Prometheus;
        if (string.IsNullOrWhiteSpace(prometheus.Host) || prometheus.Host.Contains('/', StringComparison.Ordinal))
        {
            failures.Add($"{root}:Exporters:Prometheus:Host must be a host name or address such as 127.0.0.1; it is '{prometheus.Host}'.");
        }

        if (string.IsNullOrEmpty(prometheus.Path) || prometheus.Path[0] != '/' || prometheus.Path.Contains(' ', StringComparison.Ordinal))
        {
            failures.Add($"{root}:Exporters:Prometheus:Path must start with '/' and contain no spaces; it is '{prometheus.Path}'.");
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

    private static void ValidateMetrics(AccuSceneMetricsOptions metrics, string root, List<string> failures)
    {
        var percentiles = metrics.Percentiles.Instruments;
        if (percentiles.Count > 64)
        {
            failures.Add($"{root}:Metrics:Percentiles:Instruments must name at most 64 instruments; it names {percentiles.Count}.");
        }

        for (var i = 0; i < percentiles.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(percentiles[i]) || percentiles[i].Length > 255)
            {
                failures.Add($"{root}:Metrics:Percentiles:Instruments:{i} must be an instrument name of 1 to 255 characters; it is '{percentiles[i]}'.");
            }
        }

        if (metrics.NamePrefix is { } prefix && (prefix.Length > 32 || !NamePrefix().IsMatch(prefix)))
        {
            failures.Add($"{root}:Metrics:NamePrefix must be 1 to 32 lower-case letters, digits, '_' or '.', starting with a letter; it is '{prefix}'.");
        }

        if (metrics.ExemplarFilter is { } filter && !Enum.IsDefined(filter))
        {
            failures.Add($"{root}:Metrics:ExemplarFilter must be AlwaysOff, AlwaysOn or TraceBased; it is {(int)filter}.");
        }

        if (metrics.HistogramBoundaries.Count > 64)
        {
            failures.Add($"{root}:Metrics:HistogramBoundaries must name at most 64 instruments; it names {metrics.HistogramBoundaries.Count}.");
        }

        foreach (var (instrument, boundaries) in metrics.HistogramBoundaries)
        {
            var key = $"{root}:Metrics:HistogramBoundaries:{instrument}";
            if (boundaries is null || boundaries.Length == 0 || boundaries.Length > 64)
            {
                failures.Add($"{key} must list 1 to 64 boundaries.");
                continue;
            }

            for (var i = 0; i < boundaries.Length; i++)
            {
                if (!double.IsFinite(boundaries[i]) || (i > 0 && boundaries[i] <= boundaries[i - 1]))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{i} must be finite and greater than the entry before it (the list must be strictly increasing); it is {boundaries[i]}."));
                    break;
                }
            }
        }
    }

    private static void ValidateTracing(AccuSceneTracingOptions tracing, string root, List<string> failures)
    {
        if (tracing.PropagatedHeaders.Count > MaxPropagatedHeaders)
        {
            failures.Add($"{root}:Tracing:PropagatedHeaders must have at most {MaxPropagatedHeaders} entries; it has {tracing.PropagatedHeaders.Count}.");
        }

        foreach (var (header, attribute) in tracing.PropagatedHeaders)
        {
            if (ReservedHeaders.Contains(header))
            {
                failures.Add($"{root}:Tracing:PropagatedHeaders:{header} must not be a W3C, legacy or built-in AccuScene header name.");
            }
            else if (!HeaderName().IsMatch(header))
            {
                failures.Add($"{root}:Tracing:PropagatedHeaders:{header} must be a lower-case header name of letters, digits and '-', 1 to 64 characters.");
            }

            if (attribute is null || attribute.Length > 128 || !AttributeName().IsMatch(attribute))
            {
                failures.Add($"{root}:Tracing:PropagatedHeaders:{header} must map to a dotted lower-case attribute name such as 'accuscene.tenant.id', 1 to 128 characters; it is '{attribute}'.");
            }
        }
    }

    private static void RequireNonBlankIfSet(string? value, string key, List<string> failures)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} must not be blank when set.");
        }
    }

    private static bool IsValidHeaderList(string headers)
    {
        foreach (var pair in headers.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var index = pair.IndexOf('=', StringComparison.Ordinal);
            if (index <= 0 || string.IsNullOrWhiteSpace(pair[..index]))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex("^[a-z][a-z0-9_.]*$")]
    private static partial Regex NamePrefix();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$")]
    private static partial Regex AttributeName();
}
