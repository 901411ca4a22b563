using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>
/// A real Alertmanager (Debian's <c>/usr/bin/prometheus-alertmanager</c>, clustering off) on an ephemeral loopback
/// port with a temporary storage directory; it can be stopped and started again on the same port.
/// </summary>
internal sealed class AlertmanagerServer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";
    public const string InstallHint = "apt-get install -y prometheus-alertmanager";

    private readonly string _directory;
    private readonly HttpClient _http;
    private ServerProcess? _process;

    private AlertmanagerServer(string directory, int port)
    {
        _directory = directory;
        this.Port = port;
        _http = new HttpClient { BaseAddress = this.Url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{this.Port.ToString(CultureInfo.InvariantCulture)}/");

    public static async Task<AlertmanagerServer> StartAsync(CancellationToken cancellationToken)
    {
        RequiredBinary.Require(Binary, InstallHint);
        var directory = Directory.CreateTempSubdirectory("accuscene-alertmanager-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "alertmanager.yml"), """
            route:
              receiver: default
              group_wait: 1s
              group_interval: 1s
            receivers:
              - name: default
            """,
            cancellationToken);
        return await PortRace.StartAsync("alertmanager", async () =>
        {
            var server = new AlertmanagerServer(directory, LoopbackPort.GetFree());
            try
            {
                await server.StartAgainAsync(cancellationToken);
                return server;
            }
            catch
            {
                server.Stop();
                throw;
            }
        },
        cancellationToken);
    }

    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        _process = ServerProcess.Start(
            Binary,
            [
                $"--config.file={Path.Combine(_directory, "alertmanager.yml")}",
                $"--storage.path={Path.Combine(_directory, "data")}",
                $"--web.listen-address=127.0.0.1:{this.Port.ToString(CultureInfo.InvariantCulture)}",
                "--cluster.listen-address=",
            ],
            new Dictionary<string, string>(),
            _directory);
        await _process.WaitUntilReadyAsync(_http, "-/ready", "Alertmanager", TimeSpan.FromSeconds(30), cancellationToken);
    }

    public void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>The alerts Alertmanager holds now (<c>GET /api/v2/alerts</c>): labels and state of each.</summary>
    public async Task<List<(Dictionary<string, string> Labels, string State, DateTimeOffset EndsAt)>> AlertsAsync(CancellationToken cancellationToken)
    {
        using var document = await _http.GetFromJsonAsync<JsonDocument>(new Uri("api/v2/alerts", UriKind.Relative), cancellationToken);
        return [.. document!.RootElement.EnumerateArray().Select(a => (
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            a.GetProperty("status").GetProperty("state").GetString()!,
            a.GetProperty("endsAt").GetDateTimeOffset()))];
    }

    /// <summary>The alerts Alertmanager holds, each with its labels and annotations.</summary>
    public async Task<List<(Dictionary<string, string> Labels, Dictionary<string, string> Annotations)>> AlertsWithAnnotationsAsync(CancellationToken cancellationToken)
    {
        using var document = await _http.GetFromJsonAsync<JsonDocument>(new Uri("api/v2/alerts", UriKind.Relative), cancellationToken);
        return [.. document!.RootElement.EnumerateArray().Select(a => (
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            a.GetProperty("annotations").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)))];
    }

    public async Task<(Dictionary<string, string> Labels, string State, DateTimeOffset EndsAt)?> WaitForAlertAsync(string alertname, TimeSpan timeout, CancellationToken cancellationToken, bool present = true)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var alerts = await this.AlertsAsync(cancellationToken);
            var match = alerts.FirstOrDefault(a => a.Labels.GetValueOrDefault("alertname") == alertname);
            if (present == (match.Labels is not null))
            {
                return match.Labels is null ? null : match;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"Alert '{alertname}' was {(present ? "not" : "still")} in Alertmanager after {timeout.TotalSeconds} s.");
    }

    public void Dispose()
    {
        this.Stop();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
