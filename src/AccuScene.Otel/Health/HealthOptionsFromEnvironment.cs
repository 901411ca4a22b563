using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Health;

/// <summary>
/// The health options when the health checks are registered without <c>AddAccuScene()</c>: the
/// <c>AccuScene__Health__*</c> environment variables, checked like the rest of the options (unknown keys,
/// ranges, the endpoint's rules).
/// </summary>
internal static class HealthOptionsFromEnvironment
{
    public static AccuSceneHealthOptions Load()
    {
        var section = new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("AccuScene:Health");
        var typeInfo = HealthOptionsJsonContext.Default.AccuSceneHealthOptions;
        var options = new AccuSceneHealthOptions();
        var failures = new List<string>();
        OptionKeys.FindUnknown(section, typeInfo, section.Path, failures);
        if (failures.Count == 0)
        {
            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                failures.AddRange(OptionValues.Explain(section, typeInfo, section.Path, ex, ex.Message));
            }
        }

        if (failures.Count == 0)
        {
            Collect(options, failures);
        }

        return failures.Count == 0 ? options : throw Invalid(failures);
    }

    /// <summary>Checks health options changed in code (the worker endpoint's <c>configure</c>), with the keys of <c>AccuScene:Health</c>.</summary>
    /// <exception cref="OptionsValidationException">A value is out of range or malformed; each message names its key.</exception>
    public static void ThrowIfInvalid(AccuSceneHealthOptions options)
    {
        var failures = new List<string>();
        Collect(options, failures);
        if (failures.Count > 0)
        {
            throw Invalid(failures);
        }
    }

    private static OptionsValidationException Invalid(List<string> failures) =>
        new(Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneHealthOptions), failures);

    private static void Collect(AccuSceneHealthOptions options, List<string> failures)
    {
        OptionRanges.Collect(options, HealthOptionsJsonContext.Default.AccuSceneHealthOptions, "AccuScene:Health", failures);
        HealthOptionsValidation.Validate(options, "AccuScene", failures);
    }
}

/// <summary>Source-generated metadata of <see cref="AccuSceneHealthOptions"/>, for its key and range checks.</summary>
[JsonSerializable(typeof(AccuSceneHealthOptions))]
internal sealed partial class HealthOptionsJsonContext : JsonSerializerContext;
