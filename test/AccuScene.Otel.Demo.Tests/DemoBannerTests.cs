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

        Assert.That(banner, Does.Contain("  OTLP        https://collector.example:4318/ (credentials or query not shown)").And.Not.Contain("s3cret"));
    }

    [TestCase("http://[::]:8080", "http://127.0.0.1:8080")]
    [TestCase("http://0.0.0.0:5080", "http://127.0.0.1:5080")]
    [TestCase("http://*:8080", "http://127.0.0.1:8080")]
    [TestCase("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    public void AWildcardAddress_IsReachedOnLoopback(string address, string local) =>
        Assert.That(LocalAddress.Of(address), Is.EqualTo(local));
}
