using System.Globalization;

namespace AccuScene.Otel.Health;

/// <summary>Validation of <c>AccuScene:Health</c>: the worker endpoint (the schedule is all ranges).</summary>
internal static class HealthOptionsValidation
{
    private static readonly string[] WorkerHostRoutes = ["/dashboard", "/alerts", "/events"];

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

        if (!OptionChecks.IsPlainPath(endpoint.Path) || endpoint.Path.EndsWith('/'))
        {
            failures.Add($"{key}:Endpoint:Path must start with '/', not end with one, and hold only letters, digits, '-', '.', '_', '~' and '/', for example /health; it is '{endpoint.Path}'.");
        }
        else if (WorkerHostRoutes.FirstOrDefault(r => endpoint.Path.Equals(r, StringComparison.OrdinalIgnoreCase) || endpoint.Path.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            // The worker host serves these beside the probes: both would match a request, and routing answers 500.
            failures.Add($"{key}:Endpoint:Path must not be {taken} or under it, where the worker host serves the SDK's other endpoints; it is '{endpoint.Path}'.");
        }
    }
}
