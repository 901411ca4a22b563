using System.Text.Json;
using AccuScene.Otel.Alerts.Prometheus;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Dashboard.Grafana;

namespace AccuScene.Otel.Tests.Dashboard;

public class GrafanaDashboardTests
{
    private static readonly AlertInstrument[] Instruments =
    [
        new("accuscene.simulation.fps", "{frame}/s", AlertInstrumentKind.Gauge),
        new("accuscene.simulation.frames", "{frame}", AlertInstrumentKind.Counter),
        new("accuscene.simulation.simulated_time", "s", AlertInstrumentKind.Counter),
        new("accuscene.simulation.step.duration", "s", AlertInstrumentKind.Histogram),
        new("http.server.request.duration", "s", AlertInstrumentKind.Histogram),
        new("db.client.operation.duration", "s", AlertInstrumentKind.Histogram),
        new("accuscene.cache.hits", "{hit}", AlertInstrumentKind.Counter),
        new("accuscene.cache.misses", "{miss}", AlertInstrumentKind.Counter),
        new("accuscene.cache.hit_ratio", "1", AlertInstrumentKind.Gauge),
        new("process.cpu.time", "s", AlertInstrumentKind.Counter),
        new("process.memory.usage", "By", AlertInstrumentKind.UpDownCounter),
        new("accuscene.health.status", "{status}", AlertInstrumentKind.Gauge),
    ];

    [Test]
    public void TheDefaultLayout_BecomesOnePanelPerWidget_WithVariablesAnnotationsAndUnits()
    {
        using var output = new MemoryStream();
        var panels = GrafanaDashboard.Write(DashboardLayout.Default, Instruments, output);
        using var json = JsonDocument.Parse(output.ToArray());
        var root = json.RootElement;

        Assert.That(panels, Is.EqualTo(DashboardLayout.Default.Count));
        Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.GreaterThanOrEqualTo(36));
        Assert.That(root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()), Is.EqualTo(new[] { "datasource", "job", "instance" }));
        Assert.That(root.GetProperty("annotations").GetProperty("list").EnumerateArray().Select(a => a.GetProperty("name").GetString()), Does.Contain("Firing alerts"));
        var byTitle = root.GetProperty("panels").EnumerateArray().GroupBy(p => p.GetProperty("title").GetString()!).ToDictionary(g => g.Key, g => g.Last());
        var stepTime = byTitle["Step time"];
        Assert.That(stepTime.GetProperty("type").GetString(), Is.EqualTo("timeseries"));
        Assert.That(stepTime.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("unit").GetString(), Is.EqualTo("ms"));
        Assert.That(
            stepTime.GetProperty("targets")[2].GetProperty("expr").GetString(),
            Is.EqualTo("(histogram_quantile(0.99, sum by (instance, le) (rate(accuscene_simulation_step_duration_seconds_bucket{job=~\"$job\",instance=~\"$instance\"}[$__rate_interval])))) * 1000"));
        Assert.That(byTitle["Memory"].GetProperty("targets")[0].GetProperty("expr").GetString(), Does.EndWith(") / 1048576"), "bytes to MiB");
        Assert.That(byTitle["API requests by route"].GetProperty("targets")[0].GetProperty("expr").GetString(), Does.StartWith("sum by (http_route) (rate(http_server_request_duration_seconds_count{"));
        Assert.That(byTitle["Active alerts"].GetProperty("targets")[0].GetProperty("expr").GetString(), Is.EqualTo("ALERTS{job=~\"$job\"}"));
        Assert.That(byTitle["Recent events"].GetProperty("type").GetString(), Is.EqualTo("text"));
        Assert.That(byTitle.Values.Where(p => p.TryGetProperty("description", out var d) && d.GetString()!.StartsWith("Left out", StringComparison.Ordinal)), Is.Empty, "every default series has a PromQL form");

        // Panels never overlap on the 24-column grid.
        var cells = new HashSet<(int, int)>();
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            var grid = panel.GetProperty("gridPos");
            var (x, y, w, h) = (grid.GetProperty("x").GetInt32(), grid.GetProperty("y").GetInt32(), grid.GetProperty("w").GetInt32(), grid.GetProperty("h").GetInt32());
            Assert.That(x + w, Is.LessThanOrEqualTo(24));
            for (var i = x; i < x + w; i++)
            {
                for (var j = y; j < y + h; j++)
                {
                    Assert.That(cells.Add((i, j)), Is.True, $"{panel.GetProperty("title")} overlaps another panel");
                }
            }
        }
    }

    [Test]
    public void ASeriesWithNoPrometheusForm_IsNamedInItsPanel_NotDroppedSilently()
    {
        var widget = new DashboardWidget { Title = "Odd", Type = DashboardWidgetType.Line };
        widget.Series.Add(new DashboardSeries { Metric = "accuscene.cache.hit_ratio", Stat = DashboardStat.Rate, Label = "ratio rate" });
        widget.Series.Add(new DashboardSeries { Metric = "unknown.metric", Stat = DashboardStat.Value, Label = "mystery" });
        using var output = new MemoryStream();
        GrafanaDashboard.Write([widget], Instruments, output);
        using var json = JsonDocument.Parse(output.ToArray());
        var panel = json.RootElement.GetProperty("panels")[0];

        Assert.That(panel.GetProperty("targets").GetArrayLength(), Is.Zero);
        Assert.That(panel.GetProperty("description").GetString(), Does.Contain("ratio rate: Rate of a gauge has no PromQL form").And.Contain("mystery: the instrument 'unknown.metric' is not known"));
    }

    [TestCase(1, new[] { "Value" })]
    [TestCase(2, new[] { "Value #A", "Value #B" })]
    public void ATablesValueColumns_AreRenamedByTheNamesGrafanaGivesThem(int series, string[] columns)
    {
        // Grafana's Prometheus source calls a one-query table's column "Value", and "Value #<refId>" only among several.
        var widget = new DashboardWidget { Title = "By route", Type = DashboardWidgetType.Table, GroupBy = "http.route" };
        widget.Series.Add(new DashboardSeries { Metric = "http.server.request.duration", Stat = DashboardStat.Rate, Label = "req/s" });
        if (series == 2)
        {
            widget.Series.Add(new DashboardSeries { Metric = "http.server.request.duration", Stat = DashboardStat.P95, Label = "p95" });
        }

        using var output = new MemoryStream();
        GrafanaDashboard.Write([widget], Instruments, output);
        using var json = JsonDocument.Parse(output.ToArray());
        var organize = json.RootElement.GetProperty("panels")[0].GetProperty("transformations").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "organize");

        Assert.That(organize.GetProperty("options").GetProperty("renameByName").EnumerateObject().Select(p => p.Name), Is.EqualTo(columns));
    }

    [TestCase("By", "bytes")]
    [TestCase("MiBy", "mbytes")]
    [TestCase("MiB", "mbytes")]
    [TestCase("ms", "ms")]
    [TestCase("{vehicle}", "suffix: {vehicle}")]
    public void AWidgetUnit_IsGrafanasUnit_OpenTelemetrysByteSpellingsIncluded(string unit, string expected) =>
        Assert.That(GrafanaQueries.Unit(unit), Is.EqualTo(expected));

    [Test]
    public void TheUid_HoldsOnlyWhatGrafanaAccepts()
    {
        using var output = new MemoryStream();
        GrafanaDashboard.Write(DashboardLayout.Default, Instruments, output, "AccuScene: prod");
        using var json = JsonDocument.Parse(output.ToArray());

        Assert.That(json.RootElement.GetProperty("uid").GetString(), Does.Match("^[a-zA-Z0-9_-]{1,40}$"));
    }
}
