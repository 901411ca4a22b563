using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Options;

/// <summary>
/// OpenTelemetry reads <c>OTEL_EXPORTER_OTLP_*ENDPOINT</c> itself and only logs a malformed one; AccuScene
/// refuses it at start-up, naming the variable (#18).
/// </summary>
[NonParallelizable]
public class OtlpEnvironmentTests
{
    private const string Variable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string LogsVariable = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";

    private string? _original;
    private string? _originalLogs;

    [SetUp]
    public void Remember() => (_original, _originalLogs) = (Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable(LogsVariable));

    [TearDown]
    public void Restore()
    {
        Environment.SetEnvironmentVariable(Variable, _original);
        Environment.SetEnvironmentVariable(LogsVariable, _originalLogs);
    }

    [Test]
    public void ASignalsOwnEndpoint_TurnsOnOtlpForThatSignalOnly()
    {
        // Traces and metrics would otherwise export to OpenTelemetry's default localhost:4317, and fail.
        Environment.SetEnvironmentVariable(Variable, null);
        Environment.SetEnvironmentVariable(LogsVariable, "http://127.0.0.1:4318/v1/logs");
        var otlp = new AccuSceneOtlpExporterOptions();

        Assert.That(
            new[] { "TRACES", "METRICS", "LOGS" }.Select(s => Exporters.AccuSceneExporterWiring.IsOtlpEnabled(otlp, s)),
            Is.EqualTo(new[] { false, false, true }));

        Environment.SetEnvironmentVariable(Variable, "http://127.0.0.1:4317");
        Assert.That(new[] { "TRACES", "METRICS", "LOGS" }.Select(s => Exporters.AccuSceneExporterWiring.IsOtlpEnabled(otlp, s)), Is.All.True, "the general endpoint serves all three");
    }

    [Test]
    public void ASignalsOwnSettings_ReachItsExporter_AndAccuScenesOwnWinOverThem()
    {
        // OpenTelemetry's AddOtlpExporter() reads only the general keys: the logs went by gRPC to localhost:4317.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://collector:4318/custom/logs",
            ["OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = "x-tenant=a",
            ["OTEL_EXPORTER_OTLP_LOGS_TIMEOUT"] = "2500",
        }).Build();
        var logs = new OpenTelemetry.Exporter.OtlpExporterOptions();
        var traces = new OpenTelemetry.Exporter.OtlpExporterOptions();

        Exporters.AccuSceneExporterWiring.Configure(logs, new AccuSceneOtlpExporterOptions(), "v1/logs", configuration);
        Exporters.AccuSceneExporterWiring.Configure(traces, new AccuSceneOtlpExporterOptions(), "v1/traces", configuration);
        var own = new OpenTelemetry.Exporter.OtlpExporterOptions();
        Exporters.AccuSceneExporterWiring.Configure(own, new AccuSceneOtlpExporterOptions { Endpoint = new Uri("http://accuscene:4318"), TimeoutMilliseconds = 900 }, "v1/logs", configuration);

        Assert.Multiple(() =>
        {
            Assert.That((logs.Endpoint, logs.Protocol, logs.Headers, logs.TimeoutMilliseconds), Is.EqualTo((new Uri("http://collector:4318/custom/logs"), OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf, "x-tenant=a", 2500)), "taken as given: the full URL");
            Assert.That(traces.Endpoint, Is.EqualTo(new OpenTelemetry.Exporter.OtlpExporterOptions().Endpoint), "another signal's keys are not these");
            Assert.That((own.Endpoint, own.TimeoutMilliseconds), Is.EqualTo((new Uri("http://accuscene:4318/v1/logs"), 900)), "AccuScene's keys win");
        });
    }

    [Test]
    public void ASignalsCompression_AndAProtocolWithSpaces_AreReadAsOpenTelemetryReadsThem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"] = "GZIP",
            ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf ",
        }).Build();
        var traces = new OpenTelemetry.Exporter.OtlpExporterOptions();
        var logs = new OpenTelemetry.Exporter.OtlpExporterOptions();

        Exporters.AccuSceneExporterWiring.Configure(traces, new AccuSceneOtlpExporterOptions(), "v1/traces", configuration);
        Exporters.AccuSceneExporterWiring.Configure(logs, new AccuSceneOtlpExporterOptions(), "v1/logs", configuration);

        Assert.Multiple(() =>
        {
            Assert.That((traces.Compression, traces.Protocol), Is.EqualTo((OpenTelemetry.Exporter.OtlpExportCompression.GZip, OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf)));
            Assert.That(logs.Compression, Is.EqualTo(OpenTelemetry.Exporter.OtlpExportCompression.None), "another signal's key is not this one's");
        });
    }

    [Test]
    public void AnEndpointInTheHostsConfiguration_TurnsOnOtlpAsOpenTelemetryReadsIt()
    {
        // OpenTelemetry's exporter reads OTEL_EXPORTER_OTLP_* from IConfiguration (appsettings.json included).
        Environment.SetEnvironmentVariable(Variable, null);
        Environment.SetEnvironmentVariable(LogsVariable, null);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://127.0.0.1:4318/v1/logs",
        }).Build();
        var otlp = new AccuSceneOtlpExporterOptions();

        Assert.That(
            new[] { "TRACES", "METRICS", "LOGS" }.Select(s => Exporters.AccuSceneExporterWiring.IsOtlpEnabled(otlp, s, configuration)),
            Is.EqualTo(new[] { false, false, true }));
    }

    [Test]
    public void AddAccuScene_ReadsTheOtelKeysOfTheHostsConfigurationAsRegistered()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [Variable] = "http://127.0.0.1:4317" });

        builder.Services.AddAccuScene();

        var registration = builder.Services.Select(d => d.ImplementationInstance).OfType<AccuSceneOptionsRegistration>().Single();
        Assert.That(registration.HostSettings?[Variable], Is.EqualTo("http://127.0.0.1:4317"));
    }

    [Test]
    public async Task AnEndpointInTheHostsConfigurationThatIsNotAUrl_FailsAtStartWithItsKey()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [Variable] = "not a url" });
        builder.Services.AddAccuScene();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL; it is 'not a url'."));
        await host.StopAsync();
    }

    [Test]
    public void AnEndpointThatIsNotAUrl_FailsAtStartWithTheVariable()
    {
        Environment.SetEnvironmentVariable(Variable, "not a url");

        var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneTelemetrySystem.Create());

        Assert.That(ex!.Message, Does.Contain("OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL; it is 'not a url'."));
    }

    [TestCase("http://127.0.0.1:4317")]
    [TestCase("https://collector.example:4318/")]
    public void AnHttpEndpoint_IsAccepted(string endpoint)
    {
        Environment.SetEnvironmentVariable(Variable, endpoint);

        Assert.That(() => AccuSceneTelemetrySystem.Create().Dispose(), Throws.Nothing);
    }

    [Test]
    public void AnExplicitEndpoint_WinsOverAMalformedVariable()
    {
        Environment.SetEnvironmentVariable(Variable, "not a url");

        Assert.That(() => AccuSceneTelemetrySystem.Create(o => o.Exporters.Otlp.Endpoint = new Uri("http://127.0.0.1:4317")).Dispose(), Throws.Nothing);
    }
}
