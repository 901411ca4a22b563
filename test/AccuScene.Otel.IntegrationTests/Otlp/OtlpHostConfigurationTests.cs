using AccuScene.Otel.Instrumentation.Tracing;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.IntegrationTests.Otlp;

/// <summary>
/// OpenTelemetry's OTLP exporter reads <c>OTEL_EXPORTER_OTLP_*</c> from the host's configuration, appsettings.json
/// included. <c>services.AddAccuScene()</c> turns OTLP on from the same place, so an endpoint written only in
/// appsettings.json sends spans and logs to a real receiver.
/// </summary>
[NonParallelizable]
public class OtlpHostConfigurationTests
{
    private AspireDashboard _dashboard = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public async Task StartReceiver()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _dashboard = await AspireDashboard.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public void StopReceiver() => _dashboard?.Dispose();

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("accuscene-appsettings-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(120_000)]
    public async Task AnEndpointInAppSettingsOnly_SendsSpansAndLogsThere(CancellationToken cancellationToken)
    {
        Assume.That(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"), Is.Null.Or.Empty, "the variable would turn OTLP on by itself");
        var service = "appsettings-otlp-" + Guid.NewGuid().ToString("N")[..8];
        var settings = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(
            settings,
            $$"""
            {
              "OTEL_EXPORTER_OTLP_ENDPOINT": "{{_dashboard.GrpcEndpoint}}",
              "AccuScene": { "Service": { "Name": "{{service}}" }, "Tracing": { "CollectHttp": false } }
            }
            """,
            cancellationToken);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory, DisableDefaults = true });
        builder.Configuration.AddJsonFile(settings);
        builder.Services.AddAccuScene();
        using (var host = builder.Build())
        {
            await host.StartAsync(cancellationToken);
            using (AccuSceneSpans.StartSceneLoad("scene-appsettings"))
            {
                LogLoaded(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.IntegrationTests.AppSettings"));
            }

            await host.StopAsync(cancellationToken);
        }

        var spans = await AspireDashboard.WaitForAsync(() => _dashboard.GetSpansAsync(service, cancellationToken), s => s.Count >= 1, TimeSpan.FromSeconds(30), cancellationToken);
        var logs = await AspireDashboard.WaitForAsync(() => _dashboard.GetLogsAsync(service, cancellationToken), l => l.Count >= 1, TimeSpan.FromSeconds(30), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(spans.Select(s => s.Name), Does.Contain(AccuSceneSpans.SceneLoadName));
            Assert.That(logs.Select(l => l.Body), Does.Contain("Scene loaded from appsettings"));
        });
    }

#pragma warning disable CA1848 // A plain call is what users write.
    private static void LogLoaded(ILogger logger) => logger.LogInformation("Scene loaded from appsettings");
#pragma warning restore CA1848
}
