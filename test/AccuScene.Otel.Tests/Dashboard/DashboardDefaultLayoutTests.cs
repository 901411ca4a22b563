using AccuScene.Otel.Dashboard;

namespace AccuScene.Otel.Tests.Dashboard;

/// <summary>The default layout shows what the app has; a configured layout is shown whole.</summary>
public class DashboardDefaultLayoutTests
{
    [Test]
    public void TheDefaultLayout_ShowsAMetricWidgetOnceItsMetricIsExported()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Layout");
        harness.Sample();
        var before = Titles(harness);

        harness.Meter.CreateHistogram<double>("accuscene.simulation.step.duration", "s").Record(0.002);
        harness.Sample();
        var after = Titles(harness);

        Assert.Multiple(() =>
        {
            Assert.That(before, Does.Not.Contain("Step time p95").And.Not.Contain("Cache hit ratio"), "no simulation or cache metric yet");
            Assert.That(before, Does.Not.Contain("API requests by route").And.Not.Contain("API latency"), "no HTTP metric: a worker whose probes stay out of its telemetry");
            Assert.That(before, Does.Contain("Health").And.Contain("Active alerts").And.Contain("Recent events"), "the sections of the SDK's own features are always there");
            Assert.That(after, Does.Contain("Step time p95").And.Contain("Step time"));
            Assert.That(after, Does.Not.Contain("Cache hit ratio"), "the app has no cache metrics");
            Assert.That(harness.Dashboard.GetModel().Layout.Single(w => w.Title == "Step time p95").Id, Is.EqualTo("w1"), "ids are those of the full layout");
        });
    }

    [Test]
    public void AConfiguredLayout_IsShownWhole()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Configured", o => DashboardAggregationTests.Chart(o, "accuscene.tests.configured.missing"));
        harness.Sample();

        Assert.That(harness.Dashboard.GetModel().Layout, Has.Count.EqualTo(1));
    }

    private static List<string> Titles(DashboardHarness harness) => [.. harness.Dashboard.GetModel().Layout.Select(w => w.Title)];
}
