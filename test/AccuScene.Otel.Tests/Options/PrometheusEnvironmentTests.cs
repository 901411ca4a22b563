using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Options;

/// <summary>
/// OpenTelemetry's Prometheus exporter reads <c>OTEL_EXPORTER_PROMETHEUS_HOST</c> and <c>_PORT</c>; they stand while
/// AccuScene's own keys keep their defaults, and AccuScene's keys win once set.
/// </summary>
[NonParallelizable]
public class PrometheusEnvironmentTests
{
    private const string PortVariable = "OTEL_EXPORTER_PROMETHEUS_PORT";
    private string? _original;

    [SetUp]
    public void Remember() => _original = Environment.GetEnvironmentVariable(PortVariable);

    [TearDown]
    public void Restore() => Environment.SetEnvironmentVariable(PortVariable, _original);

    [Test]
    [CancelAfter(30_000)]
    public async Task TheStandardPort_StandsWhileAccuScenesKeepsItsDefault(CancellationToken cancellationToken)
    {
        var standard = LoopbackPort.GetFree();
        Environment.SetEnvironmentVariable(PortVariable, standard.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient();

        using (Sdk.CreateMeterProviderBuilder().AddAccuScene(o => o.Exporters.Prometheus.Enabled = true).Build())
        {
            var scrape = await http.GetAsync(new Uri($"http://127.0.0.1:{standard}/metrics"), cancellationToken);
            Assert.That(scrape.IsSuccessStatusCode, Is.True, "OTEL_EXPORTER_PROMETHEUS_PORT, not AccuScene's default 9464");
        }

        var own = LoopbackPort.GetFree();
        using (Sdk.CreateMeterProviderBuilder().AddAccuScene(o => (o.Exporters.Prometheus.Enabled, o.Exporters.Prometheus.Port) = (true, own)).Build())
        {
            var scrape = await http.GetAsync(new Uri($"http://127.0.0.1:{own}/metrics"), cancellationToken);
            Assert.That(scrape.IsSuccessStatusCode, Is.True, "AccuScene's own key, once set, wins");
        }
    }
}
