namespace AccuScene.Otel;

/// <summary>How ILogger records become OpenTelemetry log records (<c>AccuScene:Logging</c>).</summary>
public sealed class AccuSceneLoggingOptions
{
    /// <summary>Gets or sets a value indicating whether logger scopes become attributes. Default: <see langword="true"/>.</summary>
    public bool IncludeScopes { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the formatted message is kept beside the template. Default: <see langword="true"/>.</summary>
    public bool IncludeFormattedMessage { get; set; } = true;
}
