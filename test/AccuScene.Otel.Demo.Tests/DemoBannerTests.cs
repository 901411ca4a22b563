using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel.Demo.Tests;

public class DemoBannerTests
{
    [Test]
    public void AnOtlpEndpointWithCredentials_IsShownWithoutThem()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://otel:s3cret@collector.example:4318" })
            .Build();

        var banner = DemoBanner.Text(["http://127.0.0.1:5080"], configuration, DemoArguments.Parse([]));

        Assert.That(banner, Does.Contain("  OTLP        https://collector.example:4318/").And.Not.Contain("s3cret"));
    }
}
