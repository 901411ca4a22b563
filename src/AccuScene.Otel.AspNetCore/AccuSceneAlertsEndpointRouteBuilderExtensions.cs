using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AccuScene.Otel;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.AspNetCore;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the alert endpoints: the active and recent alerts, and acknowledgement.</summary>
public static class AccuSceneAlertsEndpointRouteBuilderExtensions
{
    private const int MaxBodyBytes = 4096;
    private const int MaxTextLength = 256;

    /// <summary>
    /// Maps <c>GET {pattern}</c> (active and recent alerts with statistics, as JSON; <c>HEAD</c> answers its status and headers) and
    /// <c>POST {pattern}/{id}/ack</c> with an optional JSON body <c>{ "by": "…", "comment": "…" }</c>.
    /// Acknowledging needs <c>Authorization: Bearer &lt;AccuScene:Alerts:AcknowledgeToken&gt;</c> for a request that
    /// is not local (the server listens beyond loopback, the caller is not on loopback, a forwarding header shows a
    /// reverse proxy, or <c>AccuScene:Endpoints:RequireTokens</c> is on), unless the app's own authorization on the
    /// endpoint (<c>RequireAuthorization()</c>) admits the signed-in user; a local tool needs none. Both routes refuse
    /// a request from a browser page of another origin (its <c>Origin</c>, or on a loopback-only server a
    /// <c>Host</c> that is not a loopback name).
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="pattern">The path. Default <c>/alerts</c>.</param>
    /// <returns>The route group, for conventions such as authorization.</returns>
    public static IEndpointConventionBuilder MapAccuSceneAlerts(this IEndpointRouteBuilder endpoints, string pattern = "/alerts")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var group = endpoints.MapGroup(pattern);

        // The SDK's endpoints in a group of their own: endpoints the app adds to the returned group stay app traffic.
        var sdk = group.MapGroup(string.Empty).ExcludeFromAppTelemetry(endpoints);
        sdk.MapMethods(string.Empty, EndpointGuards.GetOrHead, async context =>
        {
            // A page of another site, or a rebound host name, reads no alerts (as the dashboard refuses them).
            if (EndpointGuards.BrowserRefusal(context) is { } refusal)
            {
                await Answer(context, StatusCodes.Status403Forbidden, refusal).ConfigureAwait(false);
                return;
            }

            // With no rules configured the answer is the same document, empty: a client need not tell "no
            // rules" from "nothing firing".
            var engine = context.RequestServices.GetService<AccuSceneAlertEngine>() ?? NoRules;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }

            await AlertJson.WriteAsync(engine, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        sdk.MapPost("/{id}/ack", AcknowledgeAsync);
        return group;
    }

    private static readonly AccuSceneAlertEngine NoRules = new([]);

    /// <summary>Acknowledges the alert in the route value <c>id</c>; shared by <c>/alerts</c> and the dashboard.</summary>
    internal static async Task AcknowledgeAsync(HttpContext context)
    {
        // The guards first: a caller they refuse learns nothing of the configuration.
        if (await RefusalAsync(context).ConfigureAwait(false) is { } refusal)
        {
            await Answer(context, refusal.Status, refusal.Reason).ConfigureAwait(false);
            return;
        }

        if (context.RequestServices.GetService<AccuSceneAlertEngine>() is not { } engine)
        {
            await Answer(context, StatusCodes.Status404NotFound, "No alert engine is registered (AddAccuScene()).").ConfigureAwait(false);
            return;
        }

        var (by, comment, error) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            await Answer(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        var id = (string)context.Request.RouteValues["id"]!;
        if (!engine.Acknowledge(id, by, comment))
        {
            await Answer(context, StatusCodes.Status404NotFound, $"No active alert has the id '{id}'.").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await AlertJson.WriteAsync(engine, context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<(int Status, string Reason)?> RefusalAsync(HttpContext context)
    {
        if (EndpointGuards.BrowserRefusal(context) is { } browser)
        {
            return (StatusCodes.Status403Forbidden, browser);
        }

        var token = EndpointAccess.Resolve(context.RequestServices).AcknowledgeToken;
        return await EndpointGuards.TokenRefusalAsync(context, token, "Alerts:AcknowledgeToken", "acknowledging").ConfigureAwait(false);
    }

    private static async Task<(string By, string? Comment, string? Error)> ReadBodyAsync(HttpContext context)
    {
        // Whether a body may follow, as the server knows it: HTTP/2 and HTTP/3 send a body of unknown length with
        // neither Content-Length nor Transfer-Encoding.
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0);
        if (!canHaveBody)
        {
            return ("anonymous", null, null);
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await context.Request.Body.ReadAsync(buffer.AsMemory(read), context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        if (read > MaxBodyBytes)
        {
            return (string.Empty, null, $"The body must be at most {MaxBodyBytes} bytes.");
        }

        if (read == 0)
        {
            return ("anonymous", null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, read));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (string.Empty, null, "The body must be a JSON object such as {\"by\":\"ada\",\"comment\":\"looking\"}.");
            }

            var by = root.TryGetProperty("by", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
            var comment = root.TryGetProperty("comment", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (by?.Length > MaxTextLength || comment?.Length > MaxTextLength)
            {
                return (string.Empty, null, $"'by' and 'comment' must be at most {MaxTextLength} characters.");
            }

            return (string.IsNullOrWhiteSpace(by) ? "anonymous" : by, comment, null);
        }
        catch (JsonException ex)
        {
            return (string.Empty, null, $"The body must be JSON such as {{\"by\":\"ada\",\"comment\":\"looking\"}}: {ex.Message}");
        }
        catch (InvalidOperationException)
        {
            // The parser takes a lone surrogate escape or invalid UTF-8 inside a string; reading the string refuses it.
            return (string.Empty, null, "'by' and 'comment' must be text: valid UTF-8 without lone surrogate escapes.");
        }
    }

    private static Task Answer(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }
}
