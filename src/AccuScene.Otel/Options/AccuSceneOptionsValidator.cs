using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>
/// Validates <see cref="AccuSceneOptions"/>. Every failure names the full configuration key and the
/// allowed range, for example <c>AccuScene:Tracing:SamplingRatio must be between 0 and 1; it is 1.5.</c>
/// </summary>
public sealed partial class AccuSceneOptionsValidator : IValidateOptions<AccuSceneOptions>
{
    private const string Root = AccuSceneOptions.SectionName;

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

    internal static List<string> Collect(AccuSceneOptions options)
    {
        var failures = new List<string>();
        ValidateService(options.Service, failures);
        ValidateExporters(options.Exporters, failures);
        ValidateMetrics(options.Metrics, failures);
        ValidateTracing(options.Tracing, failures);
        return failures;
    }

    private static void ValidateService(AccuSceneServiceOptions service, List<string> failures)
    {
        RequireNonBlankIfSet(service.Name, $"{Root}:Service:Name", failures);
        RequireNonBlankIfSet(service.Version, $"{Root}:Service:Version", failures);
        RequireNonBlankIfSet(service.InstanceId, $"{Root}:Service:InstanceId", failures);
        RequireNonBlankIfSet(service.Environment, $"{Root}:Service:Environment", failures);
    }

    private static void ValidateExporters(AccuSceneExporterOptions exporters, List<string> failures)
    {
        var otlp = exporters.Otlp;
        const string Key = $"{Root}:Exporters:Otlp";
        if (otlp.Endpoint is { } endpoint
            && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{Key}:Endpoint must be an absolute http:// or https:// URL; it is '{endpoint}'.");
        }

        if (otlp.Protocol is { } protocol
            && protocol != AccuSceneOtlpExporterOptions.GrpcProtocol
            && protocol != AccuSceneOtlpExporterOptions.HttpProtobufProtocol)
        {
            failures.Add($"{Key}:Protocol must be 'grpc' or 'http/protobuf'; it is '{protocol}'.");
        }

        if (otlp.TimeoutMilliseconds is { } timeout && (timeout < 1 || timeout > 600_000))
        {
            failures.Add($"{Key}:TimeoutMilliseconds must be between 1 and 600000; it is {timeout}.");
        }

        if (otlp.Headers is { } headers && !IsValidHeaderList(headers))
        {
            failures.Add($"{Key}:Headers must be 'key=value' pairs separated by commas; it is '{headers}'.");
        }

        if (otlp.DiskRetry.Enabled && string.IsNullOrWhiteSpace(otlp.DiskRetry.Directory))
        {
            failures.Add($"{Key}:DiskRetry:Directory must be a directory path when {Key}:DiskRetry:Enabled is true; it is empty.");
        }
        else if (otlp.DiskRetry.Directory is { } directory && directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{Key}:DiskRetry:Directory must be a valid path; '{directory}' has invalid characters.");
        }
    }

    private static void ValidateMetrics(AccuSceneMetricsOptions metrics, List<string> failures)
    {
        if (metrics.ExportIntervalMilliseconds is { } interval && (interval < 100 || interval > 3_600_000))
        {
            failures.Add($"{Root}:Metrics:ExportIntervalMilliseconds must be between 100 and 3600000; it is {interval}.");
        }
    }

    private static void ValidateTracing(AccuSceneTracingOptions tracing, List<string> failures)
    {
        if (tracing.SamplingRatio is { } ratio && (double.IsNaN(ratio) || ratio < 0 || ratio > 1))
        {
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{Root}:Tracing:SamplingRatio must be between 0 and 1; it is {ratio}."));
        }

        if (tracing.PropagatedHeaders.Count > MaxPropagatedHeaders)
        {
            failures.Add($"{Root}:Tracing:PropagatedHeaders must have at most {MaxPropagatedHeaders} entries; it has {tracing.PropagatedHeaders.Count}.");
        }

        foreach (var (header, attribute) in tracing.PropagatedHeaders)
        {
            if (!HeaderName().IsMatch(header))
            {
                failures.Add($"{Root}:Tracing:PropagatedHeaders:{header} must be a lower-case header name of letters, digits and '-', 1 to 64 characters.");
            }

            if (attribute is null || attribute.Length > 128 || !AttributeName().IsMatch(attribute))
            {
                failures.Add($"{Root}:Tracing:PropagatedHeaders:{header} must map to a dotted lower-case attribute name such as 'accuscene.tenant.id', 1 to 128 characters; it is '{attribute}'.");
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

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$")]
    private static partial Regex AttributeName();
}
