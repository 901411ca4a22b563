using System.Globalization;
using AccuScene.Otel.Alerts;

namespace AccuScene.Otel;

/// <content>Validation of <c>AccuScene:Alerts</c>.</content>
public sealed partial class AccuSceneOptionsValidator
{
    private static void ValidateAlerts(AccuSceneAlertsOptions alerts, string root, List<string> failures)
    {
        var key = $"{root}:Alerts";
        if (alerts.EvaluationIntervalMilliseconds is < 500 or > 60_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:EvaluationIntervalMilliseconds must be between 500 and 60000; it is {alerts.EvaluationIntervalMilliseconds}."));
        }

        if (alerts.HistorySize is < 1 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:HistorySize must be between 1 and 100000; it is {alerts.HistorySize}."));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < alerts.Rules.Count; i++)
        {
            var rule = alerts.Rules[i];
            if (AccuSceneAlertEngine.Validate(rule) is { } failure)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Rules:{i}: {failure}"));
            }
            else if (!names.Add(rule.Name))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Rules:{i}: the rule name '{rule.Name}' is used twice."));
            }
        }
    }
}
