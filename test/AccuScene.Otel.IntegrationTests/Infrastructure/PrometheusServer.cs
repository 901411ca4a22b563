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

    public static async Task<PrometheusServer> StartAsync(params string[] targets)
    {
        var binary = RequiredBinary.Require(Binary, InstallHint);
        var directory = Directory.CreateTempSubdirectory("accuscene-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: accuscene
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var port = LoopbackPort.GetFree();
        var process = ServerProcess.Start(
            binary,
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}"],
            new Dictionary<string, string>(),
            directory);
        var server = new PrometheusServer(process, directory, port);
        for (var attempt = 0; attempt < 120; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with {process.ExitCode}:\n{process.Output}");
            }

            try
            {
                using var response = await server._http.GetAsync(new Uri("-/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        server.Dispose();
        throw new TimeoutException("Prometheus did not become ready within 30 s.");
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
