namespace AccuScene.Otel;

/// <summary>The service identity written to the OpenTelemetry resource (<c>AccuScene:Service</c>).</summary>
public sealed class AccuSceneServiceOptions
{
    /// <summary>
    /// Gets or sets <c>service.name</c>. Default: <c>OTEL_SERVICE_NAME</c>, else the <c>service.name</c> of
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c>, else the entry assembly's name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets <c>service.version</c>. Default: the entry assembly's informational version.</summary>
    public string? Version { get; set; }

    /// <summary>Gets or sets <c>service.instance.id</c>. Default: a new GUID per process.</summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// Gets or sets <c>deployment.environment.name</c>. Default: the host's <c>IHostEnvironment.EnvironmentName</c>
    /// when it is not its default <c>Production</c>, else <c>ASPNETCORE_ENVIRONMENT</c>, else <c>DOTNET_ENVIRONMENT</c>,
    /// else <c>production</c>; none when <c>OTEL_RESOURCE_ATTRIBUTES</c> sets <c>deployment.environment.name</c> or
    /// <c>deployment.environment</c>.
    /// </summary>
    public string? Environment { get; set; }
}
