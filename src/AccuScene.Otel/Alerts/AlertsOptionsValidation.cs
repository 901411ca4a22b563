using System.Globalization;
using AccuScene.Otel.Alerts;

namespace AccuScene.Otel.Alerts;

/// <summary>Validation of <c>AccuScene:Alerts</c>: its channels, delivery and rules.</summary>
internal static class AlertsOptionsValidation
{
    public static void Validate(AccuSceneAlertsOptions alerts, string root, List<string> failures)
    {
        var key = $"{root}:Alerts";
        OptionChecks.RequireTokenIfSet(alerts.AcknowledgeToken, $"{key}:AcknowledgeToken", failures);
        ValidateChannels(alerts, key, failures);
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

    private static void ValidateChannels(AccuSceneAlertsOptions alerts, string key, List<string> failures)
    {
        var manager = alerts.Alertmanager;
        if (manager.Url is { } url && !OptionChecks.IsHttpUrl(url))
        {
            failures.Add($"{key}:Alertmanager:Url must be an absolute http or https URL; it is {OptionChecks.DescribeUrl(url)}.");
        }

        for (var i = 0; i < alerts.Webhooks.Count; i++)
        {
            var hook = alerts.Webhooks[i];
            if (hook.Url is not { } hookUrl || !OptionChecks.IsHttpUrl(hookUrl))
            {
                failures.Add($"{key}:Webhooks:{i}:Url must be an absolute http or https URL; it is {OptionChecks.DescribeUrl(hook.Url)}.");
            }

            if (!Enum.IsDefined(hook.Format))
            {
                failures.Add($"{key}:Webhooks:{i}:Format must be one of {string.Join(", ", Enum.GetNames<Notifications.WebhookPayloadFormat>())}; it is {hook.Format}.");
            }
        }

        var delivery = alerts.Delivery;

        // A cross-field rule: the longest delay may not be shorter than the first.
        if (delivery.MaxRetryDelay < delivery.RetryDelay)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Delivery:MaxRetryDelay must be at least {key}:Delivery:RetryDelay ({delivery.RetryDelay}); it is {delivery.MaxRetryDelay}."));
        }
    }
}
