using AccuScene.Otel.Instrumentation.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>What the domain sets make of odd but ordinary input: an empty error type, a prefix OpenTelemetry would refuse.</summary>
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

    [TestCase("lab:")]
    [TestCase("Lab.")]
    [TestCase("5g.")]
    [TestCase("a-very-long-prefix-that-goes-past-32.")]
    public void APrefixOpenTelemetryWouldRefuseInAName_IsRefusedAtOnce(string prefix) =>
        Assert.That(() => new SimulationMetrics(namePrefix: prefix), Throws.ArgumentException.With.Message.Contains("1 to 32 lower-case letters"));
}
