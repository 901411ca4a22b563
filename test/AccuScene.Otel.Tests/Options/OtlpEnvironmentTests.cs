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

    private string? _original;

    [SetUp]
    public void Remember() => _original = Environment.GetEnvironmentVariable(Variable);

    [TearDown]
    public void Restore() => Environment.SetEnvironmentVariable(Variable, _original);

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
