using System.Diagnostics;
using System.Text.Json;
using AccuScene.Otel.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>A generic host (a worker, no web app) with health checks served by the AccuScene Kestrel endpoint on a free loopback port.</summary>
internal sealed class HealthHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private HealthHost(IHost host, Uri address)
    {
        _host = host;
        this.Address = address;
    }

    public Uri Address { get; }

    public static async Task<HealthHost> StartAsync(Action<IHealthChecksBuilder> checks, CancellationToken cancellationToken, Action<IServiceCollection>? services = null, TimeSpan? interval = null, TimeSpan? timeout = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene(o =>
        {
            o.Service.Name = "health-host";
            o.Health.Interval = interval ?? TimeSpan.FromSeconds(1);
            o.Health.Timeout = timeout ?? TimeSpan.FromSeconds(1);
            o.Health.FailureThreshold = 3;
            o.Health.SuccessThreshold = 2;
        });
        services?.Invoke(builder.Services);
        checks(builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck());
        builder.Services.AddAccuSceneHealthEndpoint(o => o.Port = 0);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var address = host.Services.GetRequiredService<HealthEndpointHost>().Address!;
        return new HealthHost(host, address);
    }

    /// <summary>GETs a probe and returns its status code, how long it took, and the parsed body.</summary>
    public async Task<(int Status, TimeSpan Elapsed, JsonElement Body)> ProbeAsync(string probe, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await _http.GetAsync(new Uri(this.Address, probe), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
        return ((int)response.StatusCode, elapsed, body);
    }

    /// <summary>Polls readiness until it answers <paramref name="status"/>, checking liveness on every poll.</summary>
    public async Task<(JsonElement Body, int LivenessFailures, int Polls)> WaitForReadyAsync(int status, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var livenessFailures = 0;
        var polls = 0;
        while (true)
        {
            polls++;
            var (live, _, _) = await this.ProbeAsync("live", cancellationToken);
            livenessFailures += live == 200 ? 0 : 1;
            var (ready, _, body) = await this.ProbeAsync("ready", cancellationToken);
            if (ready == status)
            {
                return (body, livenessFailures, polls);
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                Assert.Fail($"/health/ready did not answer {status} within {timeout}; last body: {body}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>
    /// Waits for readiness, stops the dependency, waits for 503, starts it again and waits for 200. Returns the
    /// check as it was at the 503 and at the recovery, and how often liveness failed meanwhile.
    /// </summary>
    public async Task<(JsonElement Up, JsonElement Down, JsonElement Recovered, int LivenessFailures)> FlipAsync(string check, Func<Task> stop, Func<Task> start, TimeSpan recovery, CancellationToken cancellationToken)
    {
        var (up, liveWhileStarting, _) = await this.WaitForReadyAsync(200, TimeSpan.FromSeconds(30), cancellationToken);
        await stop();
        var (down, liveWhileDown, _) = await this.WaitForReadyAsync(503, TimeSpan.FromSeconds(60), cancellationToken);
        await start();
        var (recovered, liveWhileRecovering, _) = await this.WaitForReadyAsync(200, recovery, cancellationToken);
        return (Check(up, check), Check(down, check), Check(recovered, check), liveWhileStarting + liveWhileDown + liveWhileRecovering);
    }

    public static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }
}
