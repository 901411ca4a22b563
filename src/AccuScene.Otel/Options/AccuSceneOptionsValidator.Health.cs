using System.Globalization;

namespace AccuScene.Otel;

/// <content>Validation of <c>AccuScene:Health</c>.</content>
internal sealed partial class AccuSceneOptionsValidator
{
    private static readonly TimeSpan MinHealthInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxHealthInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinHealthTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxHealthTimeout = TimeSpan.FromMinutes(5);

    private static void ValidateHealth(AccuSceneHealthOptions health, string root, List<string> failures)
    {
        var key = $"{root}:Health";
        ValidateSchedule(key, health.Interval, health.Timeout, health.FailureThreshold, health.SuccessThreshold, failures);
        foreach (var (name, check) in health.Checks)
        {
            ValidateSchedule($"{key}:Checks:{name}", check.Interval, check.Timeout, check.FailureThreshold, check.SuccessThreshold, failures);
        }

        var endpoint = health.Endpoint;
        var isAddress = System.Net.IPAddress.TryParse(endpoint.Host, out _);
        if (!isAddress && !string.Equals(endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{key}:Endpoint:Host must be an IP address (127.0.0.1, 0.0.0.0, ::1) or 'localhost'; it is '{endpoint.Host}'.");
        }
        else if (!isAddress && endpoint.Port == 0)
        {
            failures.Add($"{key}:Endpoint:Port 0 (a free port) needs an IP address in {key}:Endpoint:Host, not 'localhost'.");
        }

        if (endpoint.Port is < 0 or > 65535)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Endpoint:Port must be between 0 and 65535; it is {endpoint.Port}."));
        }

        if (string.IsNullOrEmpty(endpoint.Path) || !endpoint.Path.StartsWith('/') || endpoint.Path.EndsWith('/') || endpoint.Path.Contains("//", StringComparison.Ordinal))
        {
            failures.Add($"{key}:Endpoint:Path must start with '/' and not end with one, for example /health; it is '{endpoint.Path}'.");
        }
    }

    private static void ValidateSchedule(string key, TimeSpan? interval, TimeSpan? timeout, int? failureThreshold, int? successThreshold, List<string> failures)
    {
        if (interval is { } i && (i < MinHealthInterval || i > MaxHealthInterval))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Interval must be between 00:00:01 and 01:00:00; it is {i}."));
        }

        if (timeout is { } t && (t < MinHealthTimeout || t > MaxHealthTimeout))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Timeout must be between 00:00:00.100 and 00:05:00; it is {t}."));
        }

        if (failureThreshold is < 1 or > 100)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:FailureThreshold must be between 1 and 100; it is {failureThreshold}."));
        }

        if (successThreshold is < 1 or > 100)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:SuccessThreshold must be between 1 and 100; it is {successThreshold}."));
        }
    }
}
