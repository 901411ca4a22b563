using System.Globalization;
using AccuScene.Otel;
using AccuScene.Otel.AspNetCore;
using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Profiling;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps the read-only event and profiling endpoints. Like the dashboard, they refuse (403) a request from
/// another origin's page and, on a loopback-only server, a Host that is not a loopback name. A request that is not
/// local (the server listens beyond loopback, the caller is not on loopback, a forwarding header shows a reverse
/// proxy, or <c>AccuScene:Endpoints:RequireTokens</c> is on) needs
/// <c>Authorization: Bearer &lt;AccuScene:Endpoints:ReadToken&gt;</c> (403 when no token is configured, 401 when
/// the header does not match), unless the app's own authorization on the endpoint (<c>RequireAuthorization()</c>)
/// admits the signed-in user.
/// </summary>
public static class AccuSceneDiagnosticsEndpointRouteBuilderExtensions
{
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd",
    ];

    /// <summary>
    /// Maps <c>GET {pattern}</c> over the event store, newest first:
    /// <c>?severity=&lt;min&gt;&amp;category=&lt;name&gt;[,&lt;name&gt;]&amp;from=&lt;ISO-8601&gt;&amp;to=&lt;ISO-8601&gt;&amp;q=&lt;text&gt;&amp;trace_id=&lt;id&gt;&amp;limit=&lt;n&gt;&amp;offset=&lt;n&gt;</c>.
    /// <c>from</c> is inclusive and <c>to</c> exclusive. A malformed parameter answers 400 with the reason. <c>HEAD</c>
    /// answers the status and headers of the same <c>GET</c>.
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="pattern">The path. Default <c>/events</c>.</param>
    /// <returns>The endpoint, for conventions such as authorization.</returns>
    public static IEndpointConventionBuilder MapAccuSceneEvents(this IEndpointRouteBuilder endpoints, string pattern = "/events")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        return endpoints.MapMethods(pattern, EndpointGuards.GetOrHead, async context =>
        {
            if (await RefusedAsync(context).ConfigureAwait(false))
            {
                return;
            }

            if (!TryParse(context.Request.Query, out var query, out var error))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(error, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            var store = context.RequestServices.GetService<AccuSceneEventStore>() ?? AccuSceneEventStore.Shared;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }

            await AccuSceneDiagnosticsJson.WriteAsync(store.Query(query), context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }).ExcludeFromAppTelemetry(endpoints);
    }

    /// <summary>Maps <c>GET {pattern}</c> (and <c>HEAD</c>): the profiler's running session and recent sessions, with per-scope statistics.</summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="pattern">The path. Default <c>/profiling</c>.</param>
    /// <returns>The endpoint.</returns>
    public static IEndpointConventionBuilder MapAccuSceneProfiling(this IEndpointRouteBuilder endpoints, string pattern = "/profiling")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        return endpoints.MapMethods(pattern, EndpointGuards.GetOrHead, async context =>
        {
            if (await RefusedAsync(context).ConfigureAwait(false))
            {
                return;
            }

            if (context.RequestServices.GetService<AccuSceneProfiler>() is not { } profiler)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("No AccuSceneProfiler is registered: call services.AddAccuScene().", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }

            await AccuSceneDiagnosticsJson.WriteAsync(profiler.Report(), context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }).ExcludeFromAppTelemetry(endpoints);
    }

    // The dashboard's rules: a loopback-only server answers loopback host names only (no DNS rebinding), and
    // no other origin's page may read the events or the profile. Beyond loopback, the read token is required.
    private static async Task<bool> RefusedAsync(HttpContext context)
    {
        (int Status, string Reason)? refusal = EndpointGuards.BrowserRefusal(context) is { } reason
            ? (StatusCodes.Status403Forbidden, reason)
            : await EndpointGuards.TokenRefusalAsync(context, EndpointAccess.Resolve(context.RequestServices).ReadToken, "Endpoints:ReadToken", "reading it").ConfigureAwait(false);
        if (refusal is not { } answer)
        {
            return false;
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(answer.Reason, context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    internal static bool TryParse(IQueryCollection parameters, out AccuSceneEventQuery query, out string error)
    {
        query = new AccuSceneEventQuery();
        error = string.Empty;

        // A misspelt filter (sevrity=error) would answer every event as if it had filtered them.
        if (parameters.Keys.FirstOrDefault(k => !EventQueryParameters.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            error = $"'{unknown}' is not a parameter of /events; they are {string.Join(", ", EventQueryParameters)}.";
            return false;
        }

        var traceText = parameters["trace_id"].ToString();
        if (traceText.Length > 0 && !(traceText.Length == 32 && traceText.All(char.IsAsciiHexDigit)))
        {
            error = $"trace_id must be a W3C trace id, 32 hexadecimal digits; it is '{traceText}'.";
            return false;
        }
        if (parameters["severity"].ToString() is { Length: > 0 } severityText)
        {
            if (!severityText.All(char.IsAsciiLetter) || !Enum.TryParse<AccuSceneEventSeverity>(severityText, ignoreCase: true, out var severity))
            {
                error = $"severity must be one of debug, info, warning, error, critical; it is '{severityText}'.";
                return false;
            }

            query = query with { MinimumSeverity = severity };
        }

        var categories = parameters["category"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        foreach (var category in categories)
        {
            if (!AccuSceneEvents.TryParseCategory(category, out _))
            {
                error = $"category must be among system, application, user_action, simulation, database, cache, api, security, custom; it is '{category}'.";
                return false;
            }
        }

        if (categories.Count > 0)
        {
            query = query with { Categories = categories.Select(c => c.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal) };
        }

        if (!TryTime(parameters, "from", out var from, ref error) || !TryTime(parameters, "to", out var to, ref error))
        {
            return false;
        }

        query = query with { From = from, To = to };
        if (!TryInt(parameters, "limit", 1, 1000, 100, out var limit, ref error) || !TryInt(parameters, "offset", 0, int.MaxValue, 0, out var offset, ref error))
        {
            return false;
        }

        query = query with
        {
            Limit = limit,
            Offset = offset,
            Contains = parameters["q"].ToString() is { Length: > 0 } text ? text : null,
            TraceId = traceText.Length > 0 ? traceText.ToLowerInvariant() : null,
        };
        return true;
    }

    private static readonly string[] EventQueryParameters = ["severity", "category", "from", "to", "q", "trace_id", "limit", "offset"];

    // A fraction finer than .NET's 100 ns (RFC 3339 nanoseconds, as Go and OTLP backends write them) is cut to seven digits.
    private static string WithinTicks(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - dot - 1 > 7 ? string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end)) : text;
    }

    private static bool TryTime(IQueryCollection parameters, string name, out DateTimeOffset? value, ref string error)
    {
        value = null;
        var text = parameters[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (DateTimeOffset.TryParseExact(WithinTicks(text), IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        error = $"{name} must be an ISO-8601 time such as 2026-11-30T10:00:00Z; it is '{text}'.";
        return false;
    }

    private static bool TryInt(IQueryCollection parameters, string name, int min, int max, int fallback, out int value, ref string error)
    {
        value = fallback;
        var text = parameters[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        error = string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min} to {max}; it is '{text}'.");
        return false;
    }
}
