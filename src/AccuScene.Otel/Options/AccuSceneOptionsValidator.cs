using AccuScene.Otel.Alerts;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Health;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Metrics;
using AccuScene.Otel.Redaction;
using AccuScene.Otel.Resources;
using AccuScene.Otel.Tracing;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>
/// Validates <see cref="AccuSceneOptions"/> by composing each feature's own validation of its section. Every
/// failure names the full configuration key and what it allows, for example
/// <c>AccuScene:Tracing:SamplingRatio must be between 0 and 1; it is 1.5.</c>
/// </summary>
internal sealed class AccuSceneOptionsValidator : IValidateOptions<AccuSceneOptions>
{
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
    /// <remarks>
    /// The ranges come from the options' attributes; each feature validates its own section for everything else
    /// (formats, lengths, cross-field rules).
    /// </remarks>
    /// <param name="options">The options.</param>
    /// <param name="root">The bound section's path.</param>
    /// <param name="configuration">The host's configuration, where OpenTelemetry reads the <c>OTEL_*</c> keys; <see langword="null"/> for the environment only.</param>
    internal static List<string> Collect(AccuSceneOptions options, string root = AccuSceneOptions.SectionName, Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
    {
        var failures = new List<string>();
        OptionRanges.Collect(options, AccuSceneOptionsJsonContext.Default.AccuSceneOptions, root, failures);
        ServiceOptionsValidation.Validate(options.Service, root, failures);
        ExporterOptionsValidation.Validate(options.Exporters, root, failures, configuration);
        MetricsOptionsValidation.Validate(options.Metrics, root, failures);
        TracingOptionsValidation.Validate(options.Tracing, root, failures);
        LoggingOptionsValidation.Validate(options.Logging, root, failures);
        RedactionOptionsValidation.Validate(options.Redaction, root, failures);
        HealthOptionsValidation.Validate(options.Health, root, failures);
        AlertsOptionsValidation.Validate(options.Alerts, root, failures);
        DashboardOptionsValidation.Validate(options.Dashboard, root, failures);
        OptionChecks.RequireTokenIfSet(options.Endpoints.ReadToken, $"{root}:Endpoints:ReadToken", failures);
        if (!Enum.IsDefined(options.Events.MinimumLevel))
        {
            failures.Add($"{root}:Events:MinimumLevel must be one of Trace, Debug, Information, Warning, Error, Critical or None; it is {options.Events.MinimumLevel}.");
        }

        return failures;
    }
}
