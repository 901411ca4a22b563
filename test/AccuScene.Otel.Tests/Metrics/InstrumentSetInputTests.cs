using AccuScene.Otel.Instrumentation.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>What the domain sets make of odd but ordinary input: an empty error type, an unknown url.scheme, a prefix OpenTelemetry would refuse.</summary>
public class InstrumentSetInputTests
{
    [Test]
    public void AnEmptyErrorType_IsNoFailure()
    {
        using var api = new ApiMetrics();
        using var database = new DatabaseMetrics();
        using var requests = new MetricCollector<double>(api.Meter, "http.server.request.duration");
        using var operations = new MetricCollector<double>(database.Meter, "db.client.operation.duration");

        api.RequestStarted("GET", "/scenes");
        api.RequestCompleted("GET", "/scenes", 200, 0.01, errorType: string.Empty);
        database.RecordOperation("postgresql", "SELECT", 0.01, errorType: string.Empty);

        Assert.Multiple(() =>
        {
            // Before, "" made a 200 an error with error.type "".
            Assert.That(requests.GetMeasurementSnapshot().Single().Tags.Keys, Does.Not.Contain("error.type"));
            Assert.That(operations.GetMeasurementSnapshot().Single().Tags.Keys, Does.Not.Contain("error.type"));
        });
    }

    [TestCase("ws")]
    [TestCase("")]
    [TestCase("http ")]
    public void AUrlSchemeOtherThanHttpOrHttps_IsLeftOffAndCounted_NotCalledHttp(string scheme)
    {
        using var api = new ApiMetrics();
        using var requests = new MetricCollector<double>(api.Meter, "http.server.request.duration");
        using var rejected = new MetricCollector<long>(api.Meter, "accuscene.metrics.rejected");

        api.RequestCompleted("GET", "/scenes", 200, 0.01, urlScheme: scheme);
        api.RequestCompleted("GET", "/scenes", 200, 0.01, urlScheme: "HTTPS");

        var schemes = requests.GetMeasurementSnapshot().Select(m => m.Tags.TryGetValue("url.scheme", out var value) ? value : "(none)").ToList();
        var counted = rejected.GetMeasurementSnapshot();
        Assert.Multiple(() =>
        {
            // Before, every value but https was recorded as http, and nothing was counted.
            Assert.That(schemes, Is.EqualTo(new object?[] { "(none)", "https" }));
            Assert.That(counted.Sum(m => m.Value), Is.EqualTo(1));
            Assert.That(counted.Single().Tags["instrument"], Is.EqualTo("http.server.request.duration"));
        });
    }

    [TestCase("lab:")]
    [TestCase("Lab.")]
    [TestCase("5g.")]
    [TestCase("a-very-long-prefix-that-goes-past-32.")]
    public void APrefixOpenTelemetryWouldRefuseInAName_IsRefusedAtOnce(string prefix) =>
        Assert.That(() => new SimulationMetrics(namePrefix: prefix), Throws.ArgumentException.With.Message.Contains("1 to 32 lower-case letters"));
}
