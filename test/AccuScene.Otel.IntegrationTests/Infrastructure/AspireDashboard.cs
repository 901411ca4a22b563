using System.Text.Json;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>
/// A real Aspire Dashboard on ephemeral loopback ports: an OTLP gRPC and HTTP receiver whose telemetry API
/// (<c>/api/telemetry/traces</c>, <c>/logs</c>) returns what arrived as OTLP JSON. It keeps telemetry in memory,
/// so a restart on the same ports starts empty.
/// </summary>
internal sealed class AspireDashboard : IDisposable
{
    public const string InstallHint = "dotnet restore test/AccuScene.Otel.IntegrationTests (PackageDownload Aspire.Dashboard.Sdk.linux-x64 13.6.5)";

    private readonly string _binary;
    private readonly HttpClient _http;
    private ServerProcess? _process;

    private AspireDashboard(string binary, int apiPort, int grpcPort, int httpPort)
    {
        _binary = binary;
        this.ApiPort = apiPort;
        this.GrpcPort = grpcPort;
        this.HttpPort = httpPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int ApiPort { get; }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public Uri GrpcEndpoint => new($"http://127.0.0.1:{this.GrpcPort}");

    public Uri HttpEndpoint => new($"http://127.0.0.1:{this.HttpPort}");

    public int? Pid => _process?.Pid;

    public static async Task<AspireDashboard> StartAsync(CancellationToken cancellationToken)
    {
        var binary = RequiredBinary.Require(BuildPaths.Get("AspireDashboardPath"), InstallHint);
        return await PortRace.StartAsync(
            "Aspire Dashboard",
            () => new AspireDashboard(binary, LoopbackPort.GetFree(), LoopbackPort.GetFree(), LoopbackPort.GetFree()),
            dashboard => dashboard.RestartAsync(cancellationToken),
            cancellationToken);
    }

    /// <summary>Starts (again) on the same ports and waits until the API answers.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        this.Stop();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{this.ApiPort}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{this.GrpcPort}",
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{this.HttpPort}",
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
            ["ASPIRE_DASHBOARD_API_ENABLED"] = "true",
            ["DASHBOARD__API__AUTHMODE"] = "Unsecured",
            ["DOTNET_gcServer"] = "0",
        };
        _process = ServerProcess.Start(_binary, [], environment, Path.GetDirectoryName(_binary));

        await _process.WaitUntilReadyAsync(_http, "api/telemetry/resources", "Aspire Dashboard", TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <summary>Stops the receiver by its PID.</summary>
    public void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    public async Task<List<OtlpSpan>> GetSpansAsync(string serviceName, CancellationToken cancellationToken)
    {
        using var document = await this.GetAsync($"api/telemetry/traces?resource={Uri.EscapeDataString(serviceName)}&limit=100000", cancellationToken);
        return document is null ? [] : OtlpJson.ReadSpans(document.RootElement, serviceName);
    }

    /// <summary>Every span of the service through <c>/api/telemetry/spans</c> (a flat list, rather than grouped by trace).</summary>
    public async Task<List<OtlpSpan>> GetSpansFromSpansApiAsync(string serviceName, CancellationToken cancellationToken)
    {
        using var document = await this.GetAsync($"api/telemetry/spans?resource={Uri.EscapeDataString(serviceName)}&limit=100000", cancellationToken);
        return document is null ? [] : OtlpJson.ReadSpans(document.RootElement, serviceName);
    }

    /// <summary>
    /// The spans of one replica of a service: with several instances of one <c>service.name</c>, the dashboard names
    /// each resource <c>&lt;service.name&gt;-&lt;service.instance.id&gt;</c>.
    /// </summary>
    public async Task<List<OtlpSpan>> GetSpansOfInstanceAsync(string serviceName, string instanceId, CancellationToken cancellationToken)
    {
        using var document = await this.GetAsync($"api/telemetry/spans?resource={Uri.EscapeDataString(serviceName + "-" + instanceId)}&limit=100000", cancellationToken);
        return document is null ? [] : OtlpJson.ReadSpans(document.RootElement, serviceName);
    }

    /// <summary>The resources that have sent anything (<c>/api/telemetry/resources</c>), with the signals each has.</summary>
    public async Task<List<OtlpResource>> GetResourcesAsync(CancellationToken cancellationToken)
    {
        using var document = await this.GetAsync("api/telemetry/resources", cancellationToken);
        return document is null ? [] : OtlpJson.ReadResources(document.RootElement);
    }

    public async Task<List<OtlpLog>> GetLogsAsync(string serviceName, CancellationToken cancellationToken)
    {
        using var document = await this.GetAsync($"api/telemetry/logs?resource={Uri.EscapeDataString(serviceName)}&limit=100000", cancellationToken);
        return document is null ? [] : OtlpJson.ReadLogs(document.RootElement, serviceName);
    }

    /// <summary>Polls until <paramref name="done"/> holds or the timeout passes; returns the last answer.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var last = await read();
        while (!done(last) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(500, cancellationToken);
            last = await read();
        }

        return last;
    }

    public void Dispose()
    {
        this.Stop();
        _http.Dispose();
    }

    /// <summary>Reads a telemetry API answer; <see langword="null"/> while the resource has sent nothing (404).</summary>
    private async Task<JsonDocument?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }
}
