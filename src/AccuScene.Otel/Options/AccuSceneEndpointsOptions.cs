namespace AccuScene.Otel;

/// <summary>What the SDK's read endpoints require (<c>AccuScene:Endpoints</c>).</summary>
public sealed class AccuSceneEndpointsOptions
{
    /// <summary>
    /// Gets or sets the bearer token <c>GET /events</c> and <c>GET /profiling</c> require when the server listens
    /// beyond loopback; there, without a token set, they answer 403. On a loopback-only server no token is needed.
    /// Default: none.
    /// </summary>
    public string? ReadToken { get; set; }
}
