using System.Globalization;
using AccuScene.Otel.Alerts;

namespace AccuScene.Otel;

/// <content>Validation of <c>AccuScene:Alerts</c>.</content>
internal sealed partial class AccuSceneOptionsValidator
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
        if (manager.Url is { } url && !IsHttp(url))
        {
            failures.Add($"{key}:Alertmanager:Url must be an absolute http or https URL; it is '{url}'.");
        }

        Range(failures, $"{key}:Alertmanager:ResendInterval", manager.ResendInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Range(failures, $"{key}:Alertmanager:ResolvedResendFor", manager.ResolvedResendFor, TimeSpan.Zero, TimeSpan.FromDays(1));
        Range(failures, $"{key}:Alertmanager:Timeout", manager.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        for (var i = 0; i < alerts.Webhooks.Count; i++)
        {
            var hook = alerts.Webhooks[i];
            if (hook.Url is not { } hookUrl || !IsHttp(hookUrl))
            {
                failures.Add($"{key}:Webhooks:{i}:Url must be an absolute http or https URL; it is '{hook.Url}'.");
            }

            Range(failures, $"{key}:Webhooks:{i}:Timeout", hook.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        }

        var delivery = alerts.Delivery;
        if (delivery.QueueCapacity is < 1 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Delivery:QueueCapacity must be between 1 and 100000; it is {delivery.QueueCapacity}."));
        }

        if (delivery.MaxRetries is < 0 or > 20)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Delivery:MaxRetries must be between 0 and 20; it is {delivery.MaxRetries}."));
        }

        Range(failures, $"{key}:Delivery:RetryDelay", delivery.RetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        Range(failures, $"{key}:Delivery:MaxRetryDelay", delivery.MaxRetryDelay, delivery.RetryDelay, TimeSpan.FromMinutes(10));

        static bool IsHttp(Uri url) => url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

        static void Range(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}; it is {value}."));
            }
        }
    }
}
