using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Alerts;

/// <summary>Reads <see cref="AccuSceneAlertsOptions.RulesFile"/>: <c>{ "Rules": [ … ] }</c>, bound like configuration.</summary>
internal static class AlertRulesFile
{
    // The rules a file added to an options instance the caller keeps (the facade's): a later read replaces them.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AlertRule, object> FromFile = [];

    /// <summary>Replaces the rules a rules file added to <paramref name="alerts"/> earlier by those of the file it names now (none when it names none).</summary>
    public static void Reread(AccuSceneAlertsOptions alerts, string key)
    {
        alerts.Rules.RemoveAll(rule => FromFile.TryGetValue(rule, out _));
        Append(alerts, key);
    }

    /// <summary>Adds the rules of the file, all or none: a file with one bad rule adds nothing and fails naming it.</summary>
    public static void Append(AccuSceneAlertsOptions alerts, string key)
    {
        if (string.IsNullOrWhiteSpace(alerts.RulesFile))
        {
            return;
        }

        var path = Path.GetFullPath(alerts.RulesFile);
        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            throw Fail($"{key}:RulesFile: '{path}' could not be read: {ex.Message}");
        }

        var failures = new List<string>();
        var unknown = file.GetChildren().Where(c => !string.Equals(c.Key, "Rules", StringComparison.OrdinalIgnoreCase)).Select(c => c.Key).ToList();
        if (unknown.Count > 0)
        {
            failures.Add($"{key}:RulesFile: '{path}' has {string.Join(", ", unknown)}; only 'Rules' is allowed.");
        }

        var rules = file.GetSection("Rules").GetChildren().ToList();
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var read = new List<AlertRule>(rules.Count);
        for (var j = 0; j < alerts.Rules.Count; j++)
        {
            if (alerts.Rules[j].Name is { } name)
            {
                named.TryAdd(name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key}:Rules:{j}"));
            }
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var rule = new AlertRule();
            try
            {
                rules[i].Bind(rule, o => o.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException ex)
            {
                failures.AddRange(OptionValues.Explain(rules[i], AlertRuleJsonContext.Default.AlertRule, $"{path}:Rules:{i}", ex, $"{path}:Rules:{i}: {ex.Message}"));
                continue;
            }

            if (AccuSceneAlertEngine.Validate(rule) is { } failure)
            {
                failures.Add($"{path}:Rules:{i}: {failure}");
                continue;
            }

            // Named here, where the rule is: the options' own check would name a list index past the configured rules.
            if (!named.TryAdd(rule.Name, $"{path}:Rules:{i}"))
            {
                failures.Add($"{path}:Rules:{i}: the rule name '{rule.Name}' is used twice: {named[rule.Name]} has it too.");
                continue;
            }

            read.Add(rule);
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneAlertsOptions), failures);
        }

        foreach (var rule in read)
        {
            FromFile.AddOrUpdate(rule, path);
            alerts.Rules.Add(rule);
        }
    }

    private static OptionsValidationException Fail(string message) =>
        new(Microsoft.Extensions.Options.Options.DefaultName, typeof(AccuSceneAlertsOptions), [message]);
}
