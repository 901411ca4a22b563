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

    /// <summary>Starts Prometheus scraping <paramref name="target"/>; <paramref name="cancellationToken"/> stops the wait for it to be ready.</summary>
    public static Task<PrometheusServer> StartAsync(string target, CancellationToken cancellationToken) => StartAsync([target], null, null, cancellationToken);

    /// <summary>Starts Prometheus with an alerting-rules file and an Alertmanager; its alerts carry <c>source="prometheus"</c>.</summary>
    public static Task<PrometheusServer> StartWithRulesAsync(string target, string rules, Uri alertmanager, CancellationToken cancellationToken) =>
        StartAsync([target], rules, alertmanager, cancellationToken);

    /// <summary>
    /// Starts Prometheus for a fleet: one job named <paramref name="job"/> whose targets carry the given
    /// <c>instance</c> labels, exemplar storage on, the rules evaluated and sent to <paramref name="alertmanager"/>.
    /// </summary>
    public static Task<PrometheusServer> StartFleetAsync(string job, IReadOnlyList<(string Target, string Instance)> targets, string rules, Uri alertmanager, CancellationToken cancellationToken)
    {
        var groups = string.Concat(targets.Select(t =>
            $"\n      - targets: ['{t.Target}']\n        labels:\n          instance: '{t.Instance}'"));
        var scrape = $"""
            scrape_configs:
              - job_name: '{job}'
                static_configs:{groups}
            """;
        return StartAsync(scrape, rules, alertmanager, ["--enable-feature=exemplar-storage"], cancellationToken);
    }

    private static Task<PrometheusServer> StartAsync(string[] targets, string? rules, Uri? alertmanager, CancellationToken cancellationToken) =>
        StartAsync(
            $"""
            scrape_configs:
              - job_name: accuscene
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """,
            rules,
            alertmanager,
            [],
            cancellationToken);

    private static Task<PrometheusServer> StartAsync(string scrapeConfigs, string? rules, Uri? alertmanager, string[] flags, CancellationToken cancellationToken)
    {
        var binary = RequiredBinary.Require(Binary, InstallHint);
        return PortRace.StartAsync("prometheus", () => StartOnceAsync(binary, scrapeConfigs, rules, alertmanager, flags, cancellationToken), cancellationToken);
    }

    private static async Task<PrometheusServer> StartOnceAsync(string binary, string scrapeConfigs, string? rules, Uri? alertmanager, string[] flags, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("accuscene-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        var alerting = string.Empty;
        if (rules is not null && alertmanager is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "rules.yml"), rules, cancellationToken);
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

            """ + scrapeConfigs + alerting, cancellationToken);
        var port = LoopbackPort.GetFree();
        var process = ServerProcess.Start(
            binary,
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}", .. flags],
            new Dictionary<string, string>(),
            directory);
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await process.WaitUntilReadyAsync(server._http, "-/ready", "Prometheus", TimeSpan.FromSeconds(30), cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Runs an instant query and returns the sample values of its result vector.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql, CancellationToken cancellationToken, DateTimeOffset? at = null)
    {
        var time = at is { } t ? FormattableString.Invariant($"&time={t.ToUnixTimeMilliseconds() / 1000.0:0.000}") : "";
        using var document = await _http.GetFromJsonAsync<JsonDocument>(new Uri($"api/v1/query?query={Uri.EscapeDataString(promql)}{time}", UriKind.Relative), cancellationToken);
        var result = new List<(Dictionary<string, string>, double)>();
        foreach (var sample in document!.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var text = sample.GetProperty("value")[1].GetString()!;
            result.Add((labels, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>The exemplars of <paramref name="selector"/> over the last <paramref name="lookback"/> (<c>/api/v1/query_exemplars</c>): each one's labels and value.</summary>
    public async Task<List<(Dictionary<string, string> Series, Dictionary<string, string> Labels, double Value)>> QueryExemplarsAsync(string selector, TimeSpan lookback, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow;
        var start = end - lookback;
        using var document = await _http.GetFromJsonAsync<JsonDocument>(new Uri(
            $"api/v1/query_exemplars?query={Uri.EscapeDataString(selector)}&start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}",
            UriKind.Relative),
            cancellationToken);
        var result = new List<(Dictionary<string, string>, Dictionary<string, string>, double)>();
        foreach (var series in document!.RootElement.GetProperty("data").EnumerateArray())
        {
            var seriesLabels = series.GetProperty("seriesLabels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            foreach (var exemplar in series.GetProperty("exemplars").EnumerateArray())
            {
                var labels = exemplar.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                result.Add((seriesLabels, labels, double.Parse(exemplar.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return result;
    }

    /// <summary>The loaded alerting rules (<c>GET /api/v1/rules</c>): name, health, state and last error of each.</summary>
    public async Task<List<(string Name, string Health, string State, string? LastError)>> RulesAsync(CancellationToken cancellationToken)
    {
        using var document = await _http.GetFromJsonAsync<JsonDocument>(new Uri("api/v1/rules?type=alert", UriKind.Relative), cancellationToken);
        return [.. document!.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => (
                r.GetProperty("name").GetString()!,
                r.GetProperty("health").GetString()!,
                r.GetProperty("state").GetString()!,
                r.TryGetProperty("lastError", out var e) ? e.GetString() : null))];
    }

    /// <summary>Runs <c>promtool check rules</c> on <paramref name="rules"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> CheckRulesAsync(string rules, CancellationToken cancellationToken)
    {
        var promtool = RequiredBinary.Require(Promtool, InstallHint);
        var file = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules, cancellationToken);
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo(promtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("check");
            info.ArgumentList.Add("rules");
            info.ArgumentList.Add(file);
            using var process = System.Diagnostics.Process.Start(info)!;
            return await OutputAsync(process, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs <c>promtool test rules</c> on <paramref name="testsFile"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> TestRulesAsync(string testsFile, CancellationToken cancellationToken)
    {
        var promtool = RequiredBinary.Require(Promtool, InstallHint);
        var info = new System.Diagnostics.ProcessStartInfo(promtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(testsFile) };
        info.ArgumentList.Add("test");
        info.ArgumentList.Add("rules");
        info.ArgumentList.Add(testsFile);
        using var process = System.Diagnostics.Process.Start(info)!;
        return await OutputAsync(process, cancellationToken);
    }

    // Both pipes read at once: a process that fills one while the other is read to its end would never exit. A
    // cancelled wait kills promtool, so a hung one ends with the test.
    private static async Task<(int ExitCode, string Output)> OutputAsync(System.Diagnostics.Process process, CancellationToken cancellationToken)
    {
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await Task.WhenAll(stdout, stderr, process.WaitForExitAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs <c>promtool check metrics</c> on <paramref name="exposition"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition, CancellationToken cancellationToken)
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
        var result = OutputAsync(process, cancellationToken);
        await process.StandardInput.WriteAsync(exposition.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        return await result;
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
