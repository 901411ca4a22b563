using System.Globalization;
using System.Reflection;
using System.Text;
using AccuScene.Otel;
using AccuScene.Otel.AspNetCore;
using AccuScene.Otel.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the live dashboard: the page, its JSON model and its Server-Sent Events stream.</summary>
public static class AccuSceneDashboardEndpointRouteBuilderExtensions
{
    /// <summary>The Content-Security-Policy of every dashboard response: only this origin's script, style and connections.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // The longest a stream goes without a byte: a proxy's idle timeout is often 60 s.
    private const int HeartbeatMilliseconds = 15_000;

    private static readonly Dictionary<string, (string File, string ContentType)> Assets = new(StringComparer.Ordinal)
    {
        [string.Empty] = ("index.html", "text/html; charset=utf-8"),
        ["/dashboard.js"] = ("dashboard.js", "text/javascript; charset=utf-8"),
        ["/dashboard.css"] = ("dashboard.css", "text/css; charset=utf-8"),
    };

    /// <summary>
    /// Maps <c>GET {pattern}</c> (the page, with its script and style under the same path),
    /// <c>GET {pattern}/data?range=5m|1h|24h</c> (the JSON model), <c>GET {pattern}/stream</c> (Server-Sent
    /// Events: an <c>update</c> event with the latest model every <c>AccuScene:Dashboard:StreamIntervalMilliseconds</c>,
    /// and a comment line at least every 15 s between them)
    /// and <c>POST {pattern}/alerts/{id}/ack</c> (acknowledges as <c>/alerts/{id}/ack</c> does). Requests from a
    /// page of another origin are refused, and on a loopback-only server so is a <c>Host</c> that is not a loopback name.
    /// Every response carries a Content-Security-Policy and <c>X-Content-Type-Options: nosniff</c>. Each <c>GET</c>
    /// route answers <c>HEAD</c> too, with the status and headers of its <c>GET</c> and no body.
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="pattern">The path. Default <c>/dashboard</c>.</param>
    /// <returns>The route group, for conventions such as authorization.</returns>
    public static IEndpointConventionBuilder MapAccuSceneDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/dashboard")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var group = endpoints.MapGroup(pattern);

        // The SDK's endpoints in a group of their own: endpoints the app adds to the returned group stay app traffic.
        var sdk = group.MapGroup(string.Empty).ExcludeFromAppTelemetry(endpoints);
        foreach (var (path, (file, contentType)) in Assets)
        {
            var bytes = ReadAsset(file);
            var page = path.Length == 0 ? Encoding.UTF8.GetString(bytes) : null;
            sdk.MapMethods(path, EndpointGuards.GetOrHead, async context =>
            {
                // The page only where there is a dashboard to show (the scripts and styles are the same anyway).
                if (page is not null)
                {
                    if (await BeginAsync(context).ConfigureAwait(false) is null)
                    {
                        return;
                    }
                }
                else
                {
                    SecureHeaders(context.Response);
                    if (Refused(context) is { } refused)
                    {
                        await refused.ConfigureAwait(false);
                        return;
                    }
                }

                context.Response.ContentType = contentType;

                // The page learns where it is mounted, HTML-encoded into an attribute: the path it was asked for (path
                // base, any route group's prefix and the pattern), which is where its script, data and stream are.
                var mounted = (context.Request.PathBase + context.Request.Path).ToString().TrimEnd('/');
                var body = page is null ? bytes : Encoding.UTF8.GetBytes(page.Replace("%BASE%", System.Net.WebUtility.HtmlEncode(mounted), StringComparison.Ordinal));
                context.Response.ContentLength = body.Length;
                if (HttpMethods.IsHead(context.Request.Method))
                {
                    return; // the status and headers alone
                }

                await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            });
        }

        sdk.MapMethods("/data", EndpointGuards.GetOrHead, async context =>
        {
            if (await BeginAsync(context).ConfigureAwait(false) is not { } dashboard)
            {
                return;
            }

            var range = context.Request.Query["range"].ToString() switch
            {
                "" or "5m" => DashboardRange.FiveMinutes,
                "1h" => DashboardRange.OneHour,
                "24h" => DashboardRange.OneDay,
                _ => (DashboardRange?)null,
            };
            if (range is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("range must be 5m, 1h or 24h.", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }

            await DashboardJson.WriteAsync(dashboard.GetModel(range.Value, await WithholdEventsAsync(context).ConfigureAwait(false)), context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        sdk.MapMethods("/stream", EndpointGuards.GetOrHead, StreamAsync);
        sdk.MapPost("/alerts/{id}/ack", context =>
        {
            SecureHeaders(context.Response);
            return AccuSceneAlertsEndpointRouteBuilderExtensions.AcknowledgeAsync(context);
        });
        return group;
    }

    private static async Task StreamAsync(HttpContext context)
    {
        if (await BeginAsync(context).ConfigureAwait(false) is not { } dashboard)
        {
            return;
        }

        // HEAD answers what GET would, without opening a stream or taking a place.
        var head = HttpMethods.IsHead(context.Request.Method);
        var streams = StreamCounter.For(dashboard);
        if ((head ? Volatile.Read(ref streams.Open) + 1 : Interlocked.Increment(ref streams.Open)) > dashboard.Options.MaxStreams)
        {
            if (!head)
            {
                Interlocked.Decrement(ref streams.Open);
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Too many dashboard streams are open ({AccuSceneOptionsRegistration.SectionPath(context.RequestServices)}:Dashboard:MaxStreams).", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (head)
        {
            StreamHeaders(context.Response);
            return;
        }

        try
        {
            // Decided before the response starts: the app's authentication handlers it may run can still set headers.
            var withholdEvents = await WithholdEventsAsync(context).ConfigureAwait(false);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            StreamHeaders(context.Response);
            // A stream ends with the request or with the app, so an open page never holds up shutdown.
            var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            var cancel = linked.Token;
            await context.Response.WriteAsync("retry: 2000\n\n", cancel).ConfigureAwait(false);
            // Between updates further apart than HeartbeatMilliseconds, a comment line keeps proxies (whose idle timeout
            // is often 60 s) from cutting the stream, which would make the page reload everything. An update goes out
            // when its interval has passed (less half a beat), as measured: a tick the timer merged while a slow client
            // was written to does not push the next update back.
            var interval = TimeSpan.FromMilliseconds(dashboard.Options.StreamIntervalMilliseconds);
            var beats = (dashboard.Options.StreamIntervalMilliseconds + HeartbeatMilliseconds - 1) / HeartbeatMilliseconds;
            using var timer = new PeriodicTimer(interval / beats, dashboard.Time);
            long? updated = null;
            do
            {
                if (updated is { } last && dashboard.Time.GetElapsedTime(last) < interval - (interval / beats / 2))
                {
                    await context.Response.Body.WriteAsync(":\n\n"u8.ToArray(), cancel).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancel).ConfigureAwait(false);
                    continue;
                }

                // The id is the sample the JSON holds: a sample taken since it was built must not label it.
                updated = dashboard.Time.GetTimestamp();
                var (sample, json) = dashboard.UpdateJson(withholdEvents);
                var header = string.Create(CultureInfo.InvariantCulture, $"id: {sample}\nevent: update\ndata: ");
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(header), cancel).ConfigureAwait(false);
                await context.Response.Body.WriteAsync(json, cancel).ConfigureAwait(false);
                await context.Response.Body.WriteAsync("\n\n"u8.ToArray(), cancel).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(cancel).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping.IsCancellationRequested == true)
        {
            // The browser went away, or the app is stopping; the browser reconnects to whatever comes next.
        }
        finally
        {
            Interlocked.Decrement(ref streams.Open);
        }
    }

    // A loopback-only dashboard answers loopback host names only (no DNS rebinding), and no other origin's page.
    private static Task? Refused(HttpContext context)
    {
        if (EndpointGuards.BrowserRefusal(context) is not { } reason)
        {
            return null;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }

    // Events carry log messages and exception texts: beyond loopback they are served, here as at /events, only to a
    // request that presents AccuScene:Endpoints:ReadToken or that the app's own authorization on the endpoint admits.
    // The rest of the model is served as before.
    private static async Task<bool> WithholdEventsAsync(HttpContext context) =>
        !await EndpointGuards.MayReadAsync(context, AccuScene.Otel.EndpointAccess.Resolve(context.RequestServices).ReadToken).ConfigureAwait(false);

    // The headers, the browser refusal and the registered dashboard, shared by /data and /stream; null when answered already.
    private static async Task<AccuSceneDashboard?> BeginAsync(HttpContext context)
    {
        SecureHeaders(context.Response);
        if (Refused(context) is { } refused)
        {
            await refused.ConfigureAwait(false);
            return null;
        }

        if (context.RequestServices.GetService<AccuSceneDashboard>() is { Enabled: true } dashboard)
        {
            return dashboard;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"No dashboard is registered: call services.AddAccuScene() with {AccuSceneOptionsRegistration.SectionPath(context.RequestServices)}:Dashboard:Enabled true.", context.RequestAborted).ConfigureAwait(false);
        return null;
    }

    private static void StreamHeaders(HttpResponse response)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx would otherwise hold the updates back in bursts
    }

    private static void SecureHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    private static byte[] ReadAsset(string file)
    {
        var name = "AccuScene.Otel.AspNetCore.Dashboard." + file;
        using var stream = typeof(AccuSceneDashboardEndpointRouteBuilderExtensions).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed class StreamCounter
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AccuSceneDashboard, StreamCounter> Counters = [];

#pragma warning disable SA1401 // A field, for Interlocked.
        public int Open;
#pragma warning restore SA1401

        public static StreamCounter For(AccuSceneDashboard dashboard) => Counters.GetValue(dashboard, _ => new StreamCounter());
    }
}
