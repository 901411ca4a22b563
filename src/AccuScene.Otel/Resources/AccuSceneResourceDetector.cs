using System.Reflection;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Resources;

namespace AccuScene.Otel.Resources;

/// <summary>
/// Builds the resource: <c>service.name</c>, <c>service.version</c>, <c>service.instance.id</c>,
/// <c>deployment.environment.name</c> and <c>host.name</c>. Explicit options win over <c>OTEL_SERVICE_NAME</c>,
/// which wins over the entry assembly. A default is never written over a key that
/// <c>OTEL_RESOURCE_ATTRIBUTES</c> sets, so the standard variable keeps working.
/// </summary>
internal sealed class AccuSceneResourceDetector : IResourceDetector
{
    // One id per process, shared by the tracer, meter and logger providers.
    private static readonly string ProcessInstanceId = Guid.NewGuid().ToString();

    private readonly AccuSceneServiceOptions _service;
    private readonly IConfiguration? _configuration;
    private readonly string? _hostEnvironment;

    /// <param name="service">The service settings.</param>
    /// <param name="configuration">The host's configuration, or <see langword="null"/> for the environment only.</param>
    /// <param name="hostEnvironment">The host's <c>IHostEnvironment.EnvironmentName</c> (<c>--environment</c>, a test's <c>UseEnvironment</c>), if any.</param>
    public AccuSceneResourceDetector(AccuSceneServiceOptions service, IConfiguration? configuration, string? hostEnvironment = null)
    {
        _service = service;
        _configuration = configuration;
        _hostEnvironment = hostEnvironment;
    }

    public Resource Detect()
    {
        var fromEnvironment = ResourceAttributeKeys(this.Read("OTEL_RESOURCE_ATTRIBUTES"));
        var attributes = new List<KeyValuePair<string, object>>();
        void Add(string key, string? explicitValue, Func<string?> fallback)
        {
            var value = explicitValue ?? (fromEnvironment.Contains(key) ? null : fallback());
            if (value is not null)
            {
                attributes.Add(new(key, value));
            }
        }

        var entry = Assembly.GetEntryAssembly();
        var serviceName = NonBlank(this.Read("OTEL_SERVICE_NAME"));
        Add("service.name", _service.Name ?? serviceName, () => entry?.GetName().Name ?? "accuscene-service");
        Add("service.version", _service.Version, () =>
            entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? entry?.GetName().Version?.ToString());
        Add("service.instance.id", _service.InstanceId, () => ProcessInstanceId);
        // The host's environment when it is not its own default (it reads the same variables), else the variables.
        // The older key deployment.environment in OTEL_RESOURCE_ATTRIBUTES counts as set: two keys that disagree would not do.
        Add("deployment.environment.name", _service.Environment, () =>
            fromEnvironment.Contains("deployment.environment")
                ? null
                : (NonBlank(_hostEnvironment) is { } host && !host.Equals("Production", StringComparison.OrdinalIgnoreCase) ? host : null)
                    ?? NonBlank(this.Read("ASPNETCORE_ENVIRONMENT")) ?? NonBlank(this.Read("DOTNET_ENVIRONMENT")) ?? "production");
        Add("host.name", null, () => Environment.MachineName);
        return new Resource(attributes);
    }

    /// <summary>
    /// The labels that tell this process apart in a fleet, as the OpenTelemetry Prometheus compatibility rules map
    /// the resource: <c>job</c> from <c>service.namespace</c>/<c>service.name</c>, <c>instance</c> from
    /// <c>service.instance.id</c>.
    /// </summary>
    public static Dictionary<string, string> IdentityLabels(AccuSceneServiceOptions service, IConfiguration? configuration) =>
        IdentityLabels(Attributes(service, configuration));

    /// <summary>The labels of <see cref="IdentityLabels(AccuSceneServiceOptions, IConfiguration?)"/>, from a provider's resource as built.</summary>
    public static Dictionary<string, string> IdentityLabels(Resource resource) =>
        IdentityLabels(resource.Attributes.ToDictionary(
            a => a.Key, a => Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal));

    private static Dictionary<string, string> IdentityLabels(Dictionary<string, string> attributes)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes.TryGetValue("service.name", out var name))
        {
            labels["job"] = attributes.TryGetValue("service.namespace", out var ns) && ns.Length > 0 ? $"{ns}/{name}" : name;
        }

        if (attributes.TryGetValue("service.instance.id", out var instance))
        {
            labels["instance"] = instance;
        }

        return labels;
    }

    /// <summary>
    /// The <c>service.name</c> the resource carries (<c>AccuScene:Service:Name</c>, else <c>OTEL_SERVICE_NAME</c>, else
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c>' <c>service.name</c>, else the entry assembly's name), for what names the
    /// service outside the resource: the dashboard's title, a webhook's <c>source</c>.
    /// </summary>
    public static string ServiceName(AccuSceneServiceOptions service, IConfiguration? configuration) =>
        Attributes(service, configuration).GetValueOrDefault("service.name") is { Length: > 0 } name ? name : "accuscene-service";

    // The resource's attributes as text: this detector's, then those the standard variable sets.
    private static Dictionary<string, string> Attributes(AccuSceneServiceOptions service, IConfiguration? configuration)
    {
        var detector = new AccuSceneResourceDetector(service, configuration);
        var attributes = detector.Detect().Attributes
            .ToDictionary(a => a.Key, a => Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal);
        foreach (var pair in (detector.Read("OTEL_RESOURCE_ATTRIBUTES") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // The keys the standard variable sets, which the detector leaves to OpenTelemetry's own detector.
            var index = pair.IndexOf('=', StringComparison.Ordinal);
            if (index > 0)
            {
                attributes.TryAdd(pair[..index].Trim(), Uri.UnescapeDataString(pair[(index + 1)..].Trim())); // as OpenTelemetry decodes it: "+" stays "+"
            }
        }

        return attributes;
    }

    private static HashSet<string> ResourceAttributeKeys(string? value)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var index = pair.IndexOf('=', StringComparison.Ordinal);
            if (index > 0)
            {
                keys.Add(pair[..index].Trim());
            }
        }

        return keys;
    }

    private string? Read(string key) => _configuration?[key] ?? Environment.GetEnvironmentVariable(key);

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
