using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.AspNetCore;

/// <summary>Checks shared by the alert, dashboard, event and profiling endpoints.</summary>
internal static class EndpointGuards
{
    // What a reverse proxy adds: a request that carries one came from beyond the proxy, whatever the socket says.
    // ASP.NET Core's UseForwardedHeaders() takes the X-Forwarded-* headers it applies off the request and keeps their
    // values as X-Original-* (for Proto and Host without asking whether the sender is a known proxy), so those count too.
    // Via is what an HTTP proxy must add (RFC 9110), and CDNs name the client in headers of their own. A proxy that adds
    // none of these (nginx's bare proxy_pass) is not told apart: AccuScene:Endpoints:RequireTokens is for it.
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Real-IP", "Via", "CF-Connecting-IP", "True-Client-IP", "Fastly-Client-IP"];

    private static readonly string[] ForwardingPrefixes = ["X-Forwarded-", "X-Original-"];

    /// <summary>
    /// The methods of every route that reads: HEAD as well as GET, as <c>MapHealthChecks()</c> answers any method. Link
    /// checkers and uptime monitors send HEAD, and an unanswered one would get routing's own 405, outside the SDK's
    /// route group and so in the app's telemetry.
    /// </summary>
    public static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Whether every address the server listens on is loopback (the Host check against DNS rebinding applies then).</summary>
    public static bool ListensOnLoopbackOnly(HttpContext context)
    {
        var addresses = context.RequestServices.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Count > 0 && addresses.All(IsLoopback);
    }

    /// <summary>
    /// Whether the request may go without a token: the server listens on loopback only, the caller's address is
    /// loopback (when known), the request carries no forwarding header (a reverse proxy on the same machine
    /// makes an outside request arrive from 127.0.0.1), and <c>AccuScene:Endpoints:RequireTokens</c> is off.
    /// </summary>
    public static bool IsLocalRequest(HttpContext context)
    {
        if (EndpointAccess.Resolve(context.RequestServices).RequireTokens || !ListensOnLoopbackOnly(context))
        {
            return false;
        }

        if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            return false;
        }

        foreach (var (name, _) in context.Request.Headers)
        {
            if (ForwardingHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
                || ForwardingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://wildcard", StringComparison.Ordinal).Replace("://*", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return IsLoopbackHost(uri.Host);
    }

    /// <summary>
    /// Refuses what a browser page of another site could send: a request whose <c>Origin</c> is another origin,
    /// and, on a loopback-only server, a request whose <c>Host</c> is not a loopback name (DNS rebinding: a
    /// hostile name resolved to 127.0.0.1 would otherwise be "same origin").
    /// </summary>
    /// <returns>The reason to refuse with 403, or <see langword="null"/>.</returns>
    public static string? BrowserRefusal(HttpContext context)
    {
        var request = context.Request;
        if (ListensOnLoopbackOnly(context) && !IsLoopbackHost(request.Host.Host))
        {
            return $"This endpoint listens on loopback only; the Host '{request.Host.Host}' is not a loopback name.";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && SameAuthority(uri, request.Host)))
        {
            return "Requests from another origin are refused.";
        }

        return null;
    }

    // The page's origin against the Host it was sent to, ports compared as numbers: a proxy that forwards
    // "Host: ops.example.com:443" serves the page of https://ops.example.com, whose Origin names no port.
    private static bool SameAuthority(Uri origin, HostString host)
    {
        var defaultPort = origin.Scheme switch
        {
            "https" => 443,
            "http" => 80,
            _ => -1,
        };
        return string.Equals(origin.Host, host.Host, StringComparison.OrdinalIgnoreCase) && origin.Port == (host.Port ?? defaultPort);
    }

    /// <summary>
    /// Whether the app's own authorization admits the request: the app put its authorization on the endpoint
    /// (<c>RequireAuthorization()</c>, without <c>AllowAnonymous()</c>), and the endpoint's policy, combined and
    /// evaluated here as ASP.NET Core's authorization middleware does (its <c>IAuthorizeData</c>, policies and
    /// requirement data; authenticated by the policy's schemes; authorized by the app's <see cref="IPolicyEvaluator"/>),
    /// admits an authenticated user. It is evaluated rather than assumed from the middleware having run: an app that
    /// suppressed ASP.NET Core's check for unhandled authorization metadata, or whose result handler lets failures
    /// through, must not waive the token. The app's authentication then stands for the token, whose
    /// <c>Authorization</c> header an app with its own bearer authentication could not send beside its own.
    /// </summary>
    public static async Task<bool> AdmittedByAppAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata is null || metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return false;
        }

        var data = metadata.GetOrderedMetadata<IAuthorizeData>();
        var policies = metadata.GetOrderedMetadata<AuthorizationPolicy>();
        var requirements = metadata.GetOrderedMetadata<IAuthorizationRequirementData>();
        var provider = context.RequestServices.GetService<IAuthorizationPolicyProvider>();
        var evaluator = context.RequestServices.GetService<IPolicyEvaluator>();
        if ((data.Count == 0 && policies.Count == 0 && requirements.Count == 0) || provider is null || evaluator is null)
        {
            return false;
        }

        var policy = await AuthorizationPolicy.CombineAsync(provider, data, policies).ConfigureAwait(false);
        if (requirements.Count > 0)
        {
            var fromRequirements = new AuthorizationPolicyBuilder();
            foreach (var requirement in requirements)
            {
                fromRequirements.AddRequirements([.. requirement.GetRequirements()]);
            }

            policy = policy is null ? fromRequirements.Build() : AuthorizationPolicy.Combine(policy, fromRequirements.Build());
        }

        if (policy is null)
        {
            return false;
        }

        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        return authentication.Succeeded
            && context.User.Identity?.IsAuthenticated == true
            && (await evaluator.AuthorizeAsync(policy, authentication, context, context).ConfigureAwait(false)).Succeeded;
    }

    /// <summary>
    /// Unless the request is local (<see cref="IsLocalRequest"/>) or the app's own authorization admits it
    /// (<see cref="AdmittedByAppAsync"/>), requires <c>Authorization: Bearer &lt;token&gt;</c> with the token configured
    /// at <paramref name="key"/>; without one configured there, refuses.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="token">The configured token, or <see langword="null"/>.</param>
    /// <param name="key">Where the token is configured, under the options' section (<c>Alerts:AcknowledgeToken</c>): the reason names it under the section the app's options are bound to.</param>
    /// <param name="action">What the request asks to do, for the reason (<c>acknowledging</c>).</param>
    /// <returns>The status and reason to refuse with, or <see langword="null"/>.</returns>
    public static async Task<(int Status, string Reason)?> TokenRefusalAsync(HttpContext context, string? token, string key, string action)
    {
        if (await MayReadAsync(context, token).ConfigureAwait(false))
        {
            return null;
        }

        if (string.IsNullOrEmpty(token))
        {
            var section = AccuSceneOptionsRegistration.SectionPath(context.RequestServices);
            return (StatusCodes.Status403Forbidden, $"The request is not a local one (the server listens beyond loopback, the request came through a proxy, or {section}:Endpoints:RequireTokens is on), so {action} needs {section}:{key} to be set, or the app's own authorization on the endpoint (RequireAuthorization()).");
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return (StatusCodes.Status401Unauthorized, $"{char.ToUpperInvariant(action[0])}{action[1..]} needs 'Authorization: Bearer <token>'.");
    }

    /// <summary>
    /// Whether the request passes the token rules (what <c>/events</c> serves it may read; what
    /// <see cref="TokenRefusalAsync"/> guards it may do): a local request (<see cref="IsLocalRequest"/>) always; any
    /// other with <c>Authorization: Bearer &lt;token&gt;</c> and <paramref name="token"/> configured, or, checked after
    /// the token so a request that presents it does not run the app's authentication handlers again, when the app's own
    /// authorization admits it (<see cref="AdmittedByAppAsync"/>). Answers nothing.
    /// </summary>
    public static async Task<bool> MayReadAsync(HttpContext context, string? token) =>
        IsLocalRequest(context) || (!string.IsNullOrEmpty(token) && Presents(context, token)) || await AdmittedByAppAsync(context).ConfigureAwait(false);

    private static bool Presents(HttpContext context, string token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        // The scheme is case-insensitive (RFC 9110, 11.1).
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : string.Empty;
        // Compared as hashes, which have one length: comparing the texts would end at once on a length mismatch, and
        // the time would tell the token's length.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
