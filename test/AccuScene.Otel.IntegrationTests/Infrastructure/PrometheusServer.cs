using System.Net.Http.Json;
using System.Text.Json;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>
/// A real Prometheus (Debian's <c>/usr/bin/prometheus</c>) on an ephemeral loopback port with a temporary
/// storage directory, scraping the given targets every second.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    public const string Promtool = "/usr/bin/promtool";
    public const string InstallHint = "apt-get install -y prometheus";

    private readonly ServerProcess _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(ServerProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public static Task<PrometheusServer> StartAsync(params string[] targets) => StartAsync(targets, null, null);

    /// <summary>Starts Prometheus with an alerting-rules file and an Alertmanager; its alerts carry <c>source="prometheus"</c>.</summary>
    public static Task<PrometheusServer> StartWithRulesAsync(string target, string rules, Uri alertmanager) => StartAsync([target], rules, alertmanager);

    private static async Task<PrometheusServer> StartAsync(string[] targets, string? rules, Uri? alertmanager)
    {
        var binary = RequiredBinary.Require(Binary, InstallHint);
        var directory = Directory.CreateTempSubdirectory("accuscene-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        var alerting = string.Empty;
        if (rules is not null && alertmanager is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "rules.yml"), rules);
            alerting = $"""

                rule_files:
                  - rules.yml
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ['{alertmanager.Authority}']
                """;
        }

        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
              external_labels:
                source: prometheus
            scrape_configs:
              - job_name: accuscene
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """ + alerting);
        var port = LoopbackPort.GetFree();
        var process = ServerProcess.Start(
            binary,
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}"],
            new Dictionary<string, string>(),
            directory);
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await process.WaitUntilReadyAsync(server._http, "-/ready", "Prometheus", TimeSpan.FromSeconds(30));
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Runs an instant query and returns the sample values of its result vector.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var document = await _http.GetFromJsonAsync<JsonDocument>(new Uri($"api/v1/query?query={Uri.EscapeDataString(promql)}", UriKind.Relative));
        var result = new List<(Dictionary<string, string>, double)>();
        foreach (var sample in document!.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var text = sample.GetProperty("value")[1].GetString()!;
            result.Add((labels, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>The loaded alerting rules (<c>GET /api/v1/rules</c>): name, health, state and last error of each.</summary>
    public async Task<List<(string Name, string Health, string State, string? LastError)>> RulesAsync()
    {
        using var document = await _http.GetFromJsonAsync<JsonDocument>(new Uri("api/v1/rules?type=alert", UriKind.Relative));
        return [.. document!.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => (
                r.GetProperty("name").GetString()!,
                r.GetProperty("health").GetString()!,
                r.GetProperty("state").GetString()!,
                r.TryGetProperty("lastError", out var e) ? e.GetString() : null))];
    }

    /// <summary>Runs <c>promtool check rules</c> on <paramref name="rules"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> CheckRulesAsync(string rules)
    {
        var promtool = RequiredBinary.Require(Promtool, InstallHint);
        var file = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules);
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo(promtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("check");
            info.ArgumentList.Add("rules");
            info.ArgumentList.Add(file);
            using var process = System.Diagnostics.Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs <c>promtool check metrics</c> on <paramref name="exposition"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var promtool = RequiredBinary.Require(Promtool, InstallHint);
        var info = new System.Diagnostics.ProcessStartInfo(promtool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var process = System.Diagnostics.Process.Start(info)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    public void Dispose()
    {
        _process.Dispose();
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
