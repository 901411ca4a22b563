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
