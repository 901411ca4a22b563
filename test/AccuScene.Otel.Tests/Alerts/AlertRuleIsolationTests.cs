using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// A tag value the app hands over is its own object: one whose text cannot be read must cost one rule one point,
/// counted, and never the export of every rule after it.
/// </summary>
public class AlertRuleIsolationTests
{
    [Test]
    public void ATagValueWhoseTextThrows_IsCountedAsUnreadable_AndTheRulesAfterItAreStillFed()
    {
        using var dropped = new MetricCollector<long>(AccuSceneSelfDiagnostics.AlertSamplesDropped);
        var byTenant = new AlertRule { Name = "tenant-depth", Metric = "accuscene.tests.isolation.depth", Threshold = 5 };
        byTenant.Tags["tenant"] = "acme";
        var other = new AlertRule { Name = "other-depth", Metric = "accuscene.tests.isolation.other", Threshold = 5 };
        using var system = AccuSceneTelemetrySystem.Create(o =>
        {
            o.Alerts.Rules.Add(byTenant);
            o.Alerts.Rules.Add(other);
        }).Start();
        using var meter = new Meter("AccuScene.Tests.AlertIsolation");

        // The filtered metric comes first in the batch, with a series tagged by a proxy whose context is gone.
        meter.CreateObservableGauge("accuscene.tests.isolation.depth", () => new[]
        {
            new Measurement<long>(10, new KeyValuePair<string, object?>("tenant", "acme")),
            new Measurement<long>(1, new KeyValuePair<string, object?>("tenant", new DisposedProxy())),
        });
        meter.CreateObservableGauge("accuscene.tests.isolation.other", () => 10L);

        system.ForceFlush();

        var unreadable = dropped.GetMeasurementSnapshot().Where(m => m.Tags["rule"] is "tenant-depth" && m.Tags["reason"] is "unreadable_tag").Sum(m => m.Value);
        Assert.Multiple(() =>
        {
            // Before, the proxy's ToString stopped the export: neither rule saw a value.
            Assert.That(system.Alerts!.Active().Select(a => a.Rule), Is.EquivalentTo(new[] { "tenant-depth", "other-depth" }));
            Assert.That(system.Alerts.Active().Single(a => a.Rule == "tenant-depth").Value, Is.EqualTo(10), "the acme series alone");
            Assert.That(unreadable, Is.EqualTo(1));
        });
    }

    [Test]
    public void ANumericTagValue_MatchesItsInvariantText_AndAMissingValueMatchesEmpty()
    {
        var notFound = new AlertRule { Name = "not-found", Metric = "accuscene.tests.isolation.responses", Threshold = 5 };
        notFound.Tags["http.response.status_code"] = "404";
        var unnamed = new AlertRule { Name = "unnamed", Metric = "accuscene.tests.isolation.responses", Threshold = 5 };
        unnamed.Tags["http.route"] = string.Empty;
        using var system = AccuSceneTelemetrySystem.Create(o =>
        {
            o.Alerts.Rules.Add(notFound);
            o.Alerts.Rules.Add(unnamed);
        }).Start();
        using var meter = new Meter("AccuScene.Tests.AlertIsolation.Numbers");
        meter.CreateObservableGauge("accuscene.tests.isolation.responses", () => new[]
        {
            new Measurement<long>(7, new KeyValuePair<string, object?>("http.response.status_code", 404), new KeyValuePair<string, object?>("http.route", "/a")),
            new Measurement<long>(3, new KeyValuePair<string, object?>("http.response.status_code", 200), new KeyValuePair<string, object?>("http.route", null)),
        });

        system.ForceFlush();

        var values = system.Alerts!.Active().ToDictionary(a => a.Rule, a => a.Value);
        Assert.That(values, Is.EquivalentTo(new Dictionary<string, double> { ["not-found"] = 7 }), "404 matches '404'; the null route's 3 stays under 5");
    }

    private sealed class DisposedProxy
    {
        public override string ToString() => throw new ObjectDisposedException("DbContext");

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override int GetHashCode() => 1;
    }
}
