using System.Globalization;

namespace AccuScene.Otel.Health;

/// <summary>Validation of <c>AccuScene:Health</c>: the worker endpoint (the schedule is all ranges).</summary>
internal static class HealthOptionsValidation
{
    public static void Validate(AccuSceneHealthOptions health, string root, List<string> failures)
    {
        var key = $"{root}:Health";
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

        if (string.IsNullOrEmpty(endpoint.Path) || !endpoint.Path.StartsWith('/') || endpoint.Path.EndsWith('/') || endpoint.Path.Contains("//", StringComparison.Ordinal))
        {
            failures.Add($"{key}:Endpoint:Path must start with '/' and not end with one, for example /health; it is '{endpoint.Path}'.");
        }
    }
}
