using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>Binds the <c>AccuScene</c> section when the options are created (at start, and again on each reload).</summary>
internal sealed class AccuSceneOptionsBinding(IConfigurationSection section) : IConfigureOptions<AccuSceneOptions>
{
    public void Configure(AccuSceneOptions options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(
                Options.DefaultName, typeof(AccuSceneOptions), OptionValues.Explain(section, AccuSceneOptionsJsonContext.Default.AccuSceneOptions, section.Path, ex, ex.Message));
        }
    }
}

/// <summary>Appends the rules of <c>AccuScene:Alerts:RulesFile</c>, read afresh each time the options are created.</summary>
internal sealed class AccuSceneRulesFileBinding(string path) : IPostConfigureOptions<AccuSceneOptions>
{
    public void PostConfigure(string? name, AccuSceneOptions options) => Alerts.AlertRulesFile.Append(options.Alerts, $"{path}:Alerts");
}
