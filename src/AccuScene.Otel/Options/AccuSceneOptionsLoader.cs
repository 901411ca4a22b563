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
            FindUnknownKeys(section, AccuSceneOptionsJsonContext.Default.AccuSceneOptions, path, unknown);
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
                // The binder's message names the full key (for example "at 'AccuScene:Tracing:SamplingRatio'").
                throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneOptions), [ex.Message]);
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

    /// <summary>
    /// Reports keys that match no option, at every depth (list entries and dictionary entries of option objects
    /// included), so a typo fails at start-up instead of being ignored.
    /// </summary>
    internal static void FindUnknownKeys(IConfiguration section, JsonTypeInfo typeInfo, string path, List<string> unknown)
    {
        foreach (var child in section.GetChildren())
        {
            var property = typeInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            var childPath = $"{path}:{child.Key}";
            if (property is null)
            {
                var known = string.Join(", ", typeInfo.Properties.Select(p => p.Name));
                unknown.Add($"{childPath} is not a known setting; the settings of {path} are: {known}.");
                continue;
            }

            var childInfo = AccuSceneOptionsJsonContext.Default.GetTypeInfo(property.PropertyType);
            if (childInfo is { Kind: JsonTypeInfoKind.Object })
            {
                FindUnknownKeys(child, childInfo, childPath, unknown);
            }
            else if (childInfo is { Kind: JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable, ElementType: { } elementType }
                && AccuSceneOptionsJsonContext.Default.GetTypeInfo(elementType) is { Kind: JsonTypeInfoKind.Object } elementInfo)
            {
                // A dictionary of option objects (AccuScene:Health:Checks:<name>) or a list of them
                // (AccuScene:Alerts:Rules:0, Webhooks:0, Dashboard:Widgets:0): check each entry's keys.
                foreach (var entry in child.GetChildren())
                {
                    FindUnknownKeys(entry, elementInfo, $"{childPath}:{entry.Key}", unknown);
                }
            }
        }
    }
}
