using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;
using Microsoft.Extensions.Options;
using Snapshooter.NUnit;

namespace AccuScene.Otel.Tests.Dashboard;

public class DashboardJsonTests
{
    [Test]
    public void TheModel_MatchesItsSnapshot()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.Json", o =>
        {
            o.Title = "Collision lab";
            DashboardAggregationTests.Chart(o, "accuscene.tests.json.steps");
            var table = new DashboardWidget { Title = "Frames by scene", Type = DashboardWidgetType.Table, GroupBy = "scene" };
            table.Series.Add(new DashboardSeries { Metric = "accuscene.tests.json.frames", Stat = DashboardStat.Value, Label = "frames" });
            o.Widgets.Add(table);
            o.Widgets.Add(new DashboardWidget { Title = "Events", Type = DashboardWidgetType.Events });
        });
        var frames = harness.Meter.CreateCounter<long>("accuscene.tests.json.frames", "{frame}");
        var steps = harness.Meter.CreateHistogram<double>("accuscene.tests.json.steps", "s");
        harness.Events.Add(new AccuSceneEvent(0, DashboardHarness.Start, AccuSceneEventSeverity.Warning, "simulation", "simulation.slow", "<b>Step</b> took 25 ms", new Dictionary<string, object?>(), null, null));
        for (var second = 1; second <= 3; second++)
        {
            frames.Add(60, new KeyValuePair<string, object?>("scene", "scene-1"));
            frames.Add(30, new KeyValuePair<string, object?>("scene", "<script>alert(1)</script>"));
            steps.Record(0.004 * second);
            harness.Sample();
        }

        Snapshot.Match(DashboardJson.Serialize(harness.Dashboard.GetModel()));
    }

    [Test]
    public void BadDashboardSettings_FailAtStartWithTheirKeys()
    {
        var options = new AccuSceneOptions();
        options.Dashboard.SampleIntervalMilliseconds = 50;
        options.Dashboard.MaxTableRows = 0;
        options.Dashboard.Widgets.Add(new DashboardWidget { Title = "empty", Type = DashboardWidgetType.Line });
        var grouped = new DashboardWidget { Title = "p95 by route", Type = DashboardWidgetType.Table, GroupBy = "http.route" };
        grouped.Series.Add(new DashboardSeries { Metric = "http.server.request.duration", Stat = DashboardStat.P95 });
        options.Dashboard.Widgets.Add(grouped);
        options.Dashboard.Widgets.Add(new DashboardWidget { Title = "health", Type = DashboardWidgetType.Health, GroupBy = "x" });

        var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsValidator.ThrowIfInvalid(options))!;

        Assert.That(ex.Failures, Is.EquivalentTo(new[]
        {
            "AccuScene:Dashboard:SampleIntervalMilliseconds must be between 250 and 10000; it is 50.",
            "AccuScene:Dashboard:MaxTableRows must be between 1 and 1000; it is 0.",
            "AccuScene:Dashboard:Widgets:0:Series must hold 1 to 8 series for a Line widget; it holds 0.",
            "AccuScene:Dashboard:Widgets:1:Series of a grouped table must all read one metric, with Stat Value or Rate.",
            "AccuScene:Dashboard:Widgets:2:GroupBy is a tag key, for Table widgets only; it is 'x' on a Health widget.",
        }));
    }

    [Test]
    public void TheDefaultLayout_IsValid_AndChartsTheDomain()
    {
        var options = new AccuSceneOptions();
        options.Dashboard.Widgets.AddRange(DashboardLayout.Default);

        Assert.DoesNotThrow(() => AccuSceneOptionsValidator.ThrowIfInvalid(options));
        var charted = DashboardLayout.Default.Where(w => w.Type == DashboardWidgetType.Line).SelectMany(w => w.Series).Select(s => s.Metric).Distinct();
        Assert.That(charted, Is.SupersetOf(new[]
        {
            "accuscene.simulation.fps", "accuscene.simulation.step.duration", "http.server.request.duration", "db.client.operation.duration",
            "accuscene.cache.hit_ratio", "process.cpu.time", "process.memory.usage",
        }));
    }
}
