namespace AccuScene.Otel;

/// <summary>What the SDK's read endpoints require (<c>AccuScene:Endpoints</c>).</summary>
public sealed class AccuSceneEndpointsOptions
{
    /// <summary>
    /// Gets or sets the bearer token <c>GET /events</c> and <c>GET /profiling</c> require of a request that is not
    /// local; without a token set, they answer 403 to it. A local request (a loopback-only server, a loopback
    /// caller, no forwarding header) needs none, unless <see cref="RequireTokens"/> is on. Default: none.
    /// </summary>
    public string? ReadToken { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether no request counts as local, so every request needs a token wherever
    /// <see cref="ReadToken"/> or the alerts' acknowledge token asks for one (<c>GET /alerts</c>, the dashboard page and
    /// the probes' status ask for none): for a server behind a
    /// reverse proxy on the same machine that adds no <c>Forwarded</c>, <c>Via</c>, <c>X-Real-IP</c>, <c>CF-Connecting-IP</c>,
    /// <c>True-Client-IP</c>, <c>Fastly-Client-IP</c>, <c>X-Forwarded-*</c> or <c>X-Original-*</c> header, whose outside
    /// requests would otherwise look local. Default: <see langword="false"/>.
    /// </summary>
    public bool RequireTokens { get; set; }
}
