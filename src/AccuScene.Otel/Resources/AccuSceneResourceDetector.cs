using System.Reflection;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Resources;

namespace AccuScene.Otel.Resources;

/// <summary>
/// Builds the resource: <c>service.name</c>, <c>service.version</c>, <c>service.instance.id</c>,
/// <c>deployment.environment.name</c> and <c>host.name</c>. Explicit options win over <c>OTEL_SERVICE_NAME</c>,
/// which wins over the entry assembly.
/// </summary>
internal sealed class AccuSceneResourceDetector : IResourceDetector
{
    // One id per process, shared by the tracer, meter and logger providers.
    private static readonly string ProcessInstanceId = Guid.NewGuid().ToString();

    private readonly AccuSceneServiceOptions _service;
    private readonly IConfiguration? _configuration;

    public AccuSceneResourceDetector(AccuSceneServiceOptions service, IConfiguration? configuration)
    {
        _service = service;
        _configuration = configuration;
    }

    public Resource Detect()
    {
        var entry = Assembly.GetEntryAssembly();
        var name = _service.Name
            ?? NonBlank(Read("OTEL_SERVICE_NAME"))
            ?? entry?.GetName().Name
            ?? "accuscene-service";
        var version = _service.Version
            ?? entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? entry?.GetName().Version?.ToString();
        var environment = _service.Environment
            ?? NonBlank(Read("DOTNET_ENVIRONMENT"))
            ?? NonBlank(Read("ASPNETCORE_ENVIRONMENT"))
            ?? "production";

        var attributes = new List<KeyValuePair<string, object>>
        {
            new("service.name", name),
            new("service.instance.id", _service.InstanceId ?? ProcessInstanceId),
            new("deployment.environment.name", environment),
            new("host.name", Environment.MachineName),
        };
        if (version is not null)
        {
            attributes.Add(new("service.version", version));
        }

        return new Resource(attributes);
    }

    private string? Read(string key) => _configuration?[key] ?? Environment.GetEnvironmentVariable(key);

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
