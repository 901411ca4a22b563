using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>Builds one validated <see cref="AccuSceneOptions"/> from configuration and code.</summary>
internal static class AccuSceneOptionsLoader
{
    /// <summary>
    /// Binds <paramref name="configuration"/> (a section such as <c>AccuScene</c>, or a root that has an
    /// <c>AccuScene</c> section),
    /// applies <paramref name="configure"/> and validates the result.
    /// </summary>
    public static AccuSceneOptions Load(IConfiguration? configuration, Action<AccuSceneOptions>? configure)
    {
        var options = new AccuSceneOptions();
        var path = AccuSceneOptions.SectionName;
        if (configuration is not null)
        {
            var section = ResolveSection(configuration);
            var unknown = new List<string>();
            path = section is IConfigurationSection { Path: var sectionPath } ? sectionPath : path;
            OptionKeys.FindUnknown(section, AccuSceneOptionsJsonContext.Default.AccuSceneOptions, path, unknown);
            if (unknown.Count > 0)
            {
                throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneOptions), unknown);
            }

            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                throw new OptionsValidationException(
                    Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneOptions), OptionValues.Explain(section, AccuSceneOptionsJsonContext.Default.AccuSceneOptions, path, ex, ex.Message));
            }
        }

        configure?.Invoke(options);
        Alerts.AlertRulesFile.Append(options.Alerts, $"{path}:Alerts");
        var failures = AccuSceneOptionsValidator.Collect(options, path);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneOptions), failures);
        }

        return options;
    }

    /// <summary>The <c>AccuScene__*</c> environment variables, for code paths with no host configuration.</summary>
    public static IConfiguration EnvironmentConfiguration() =>
        new ConfigurationBuilder().AddEnvironmentVariables().Build();

    private static IConfiguration ResolveSection(IConfiguration configuration) =>
        configuration as IConfigurationSection ?? configuration.GetSection(AccuSceneOptions.SectionName);
}
