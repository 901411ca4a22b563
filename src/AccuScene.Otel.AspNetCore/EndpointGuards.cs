using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.AspNetCore;

/// <summary>Checks shared by the alert and dashboard endpoints.</summary>
internal static class EndpointGuards
{
    /// <summary>Whether every address the server listens on is loopback (then acknowledging needs no token).</summary>
    public static bool ListensOnLoopbackOnly(HttpContext context)
    {
        var addresses = context.RequestServices.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Count > 0 && addresses.All(IsLoopback);
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
        if (origin.Length > 0
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            return "Requests from another origin are refused.";
        }

        return null;
    }

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
