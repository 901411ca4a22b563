using System.Net;
using AccuScene.Otel.Demo.Scenes;

namespace AccuScene.Otel.Demo.Chaos;

/// <summary>Whether steps are being slowed right now (read on every step).</summary>
internal sealed class ChaosState
{
    public static readonly TimeSpan SlowStep = TimeSpan.FromMilliseconds(25);

    private volatile bool _slowSteps;

    public bool SlowSteps
    {
        get => _slowSteps;
        set => _slowSteps = value;
    }
}

/// <summary>
/// One chaos episode at a time: the SQLite file is moved aside (every query fails, readiness turns 503, the
/// API answers 503) and one step in ten stalls 25 ms, for <see cref="Outage"/>; then everything comes back.
/// </summary>
internal sealed partial class ChaosControl(SceneStore store, ChaosState state, TimeProvider time, ILogger<ChaosControl> logger)
{
    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    private int _running;

    public bool Running => Volatile.Read(ref _running) == 1;

    /// <summary>Starts an episode in the background unless one is running.</summary>
    /// <returns><see langword="false"/> when one is already running.</returns>
    public bool TryStart(CancellationToken stopping)
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return false;
        }

        _ = Task.Run(() => this.RunClaimedAsync(stopping), CancellationToken.None);
        return true;
    }

    /// <summary>Runs an episode now unless one is running (then it returns at once).</summary>
    public Task TryRunAsync(CancellationToken stopping) =>
        Interlocked.CompareExchange(ref _running, 1, 0) == 0 ? this.RunClaimedAsync(stopping) : Task.CompletedTask;

    private async Task RunClaimedAsync(CancellationToken stopping)
    {
        var aside = store.Path + ".offline";
        try
        {
            if (!this.TryMove(store.Path, aside))
            {
                return; // nothing to take away this time (the file is missing or busy)
            }

            Log.DatabaseOffline(logger, Outage.TotalSeconds);
            state.SlowSteps = true;
            try
            {
                await Task.Delay(Outage, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: put everything back now.
            }
            finally
            {
                state.SlowSteps = false;
                if (this.TryMove(aside, store.Path))
                {
                    Log.DatabaseBack(logger);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private bool TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.MoveFailed(logger, ex, from, to);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Chaos: the database is offline for {Seconds} s, and one step in ten stalls")]
        public static partial void DatabaseOffline(ILogger logger, double seconds);

        [LoggerMessage(21, LogLevel.Warning, "Chaos: the database is back")]
        public static partial void DatabaseBack(ILogger logger);

        [LoggerMessage(22, LogLevel.Error, "Chaos: could not move {From} to {To}")]
        public static partial void MoveFailed(ILogger logger, Exception exception, string from, string to);
    }
}

/// <summary><c>--chaos</c>: an episode 10 s after start and then every 60 s.</summary>
internal sealed class ChaosSchedule(ChaosControl chaos, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan FirstOutage = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Cycle = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstOutage, time, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await chaos.TryRunAsync(stoppingToken).ConfigureAwait(false);

                await Task.Delay(Cycle - ChaosControl.Outage, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the file is back in place.
        }
    }
}

/// <summary><c>POST /demo/chaos</c>: starts one episode now. Open to a local caller; beyond loopback or through a reverse proxy it needs <c>Demo:ChaosToken</c>.</summary>
internal static class ChaosEndpoint
{
    public static void MapChaosEndpoint(this WebApplication app) =>
        app.MapPost("/demo/chaos", (HttpContext context, ChaosControl chaos, IHostApplicationLifetime lifetime, IConfiguration configuration) =>
        {
            var loopbackOnly = app.Urls.Count > 0 && app.Urls.All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && IsLoopbackHost(uri.Host));

            // Open without a token only to a local caller: on loopback, and not through a reverse proxy (whose
            // outside requests also arrive from 127.0.0.1, but carry a forwarding header).
            var local = loopbackOnly
                && (context.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
                && !context.Request.Headers.Keys.Any(IsForwardingHeader);

            // A page of another site (its Origin) or a rebound host name (its Host) never reaches a loopback demo's chaos.
            var origin = context.Request.Headers.Origin.ToString();
            // Ports compared as numbers: "Host: demo.example:443" is the origin https://demo.example.
            var host = context.Request.Host;
            if ((origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var from)
                    && string.Equals(from.Host, host.Host, StringComparison.OrdinalIgnoreCase)
                    && from.Port == (host.Port ?? (from.Scheme == Uri.UriSchemeHttps ? 443 : from.Scheme == Uri.UriSchemeHttp ? 80 : -1))))
                || (loopbackOnly && !IsLoopbackHost(context.Request.Host.Host)))
            {
                return Results.Problem("POST /demo/chaos is refused from another origin or host name.", statusCode: StatusCodes.Status403Forbidden);
            }

            var token = configuration["Demo:ChaosToken"];
            // Compared as hashes of one length, so the time tells nothing of the token's length.
            var given = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()));
            if (!local && (string.IsNullOrEmpty(token) || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("Bearer " + token)))))
            {
                return Results.Problem("The request is not a local one (the demo listens beyond loopback, or it came through a proxy): POST /demo/chaos needs 'Authorization: Bearer <Demo:ChaosToken>'.", statusCode: StatusCodes.Status403Forbidden);
            }

            return chaos.TryStart(lifetime.ApplicationStopping)
                ? Results.Accepted(value: new ChaosStarted((int)ChaosControl.Outage.TotalSeconds))
                : Results.Conflict(new ChaosStarted(0));
        });

    // Forwarded, Via, X-Real-IP, a CDN's client header, any X-Forwarded-*, and the X-Original-* that ASP.NET Core's
    // UseForwardedHeaders() leaves: the same as the SDK's endpoints.
    private static bool IsForwardingHeader(string name) =>
        ForwardingHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
        || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("X-Original-", StringComparison.OrdinalIgnoreCase);

    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Real-IP", "Via", "CF-Connecting-IP", "True-Client-IP", "Fastly-Client-IP"];

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>The answer of <c>POST /demo/chaos</c>.</summary>
internal sealed record ChaosStarted(int OutageSeconds);
