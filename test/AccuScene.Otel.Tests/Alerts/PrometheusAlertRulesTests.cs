using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Prometheus;

namespace AccuScene.Otel.Tests.Alerts;

public class PrometheusAlertRulesTests
{
    private static readonly AlertInstrument[] Instruments =
    [
        new("accuscene.api.errors", "{request}", AlertInstrumentKind.Counter),
        new("accuscene.simulation.step.duration", "s", AlertInstrumentKind.Histogram),
        new("accuscene.cache.hit_ratio", "1", AlertInstrumentKind.Gauge),
        new("accuscene.api.in_flight", "{request}", AlertInstrumentKind.UpDownCounter),
        new("accuscene.simulation.fps", "{frame}/s", AlertInstrumentKind.Gauge),
        new("process.memory.usage", "By", AlertInstrumentKind.UpDownCounter),
    ];

    [TestCase("accuscene.api.errors", "accuscene_api_errors_total")]
    [TestCase("accuscene.simulation.step.duration", "accuscene_simulation_step_duration_seconds")]
    [TestCase("accuscene.cache.hit_ratio", "accuscene_cache_hit_ratio")]
    [TestCase("accuscene.simulation.fps", "accuscene_simulation_fps_per_second")]
    [TestCase("process.memory.usage", "process_memory_usage_bytes")]
    public void Names_AreThoseThePrometheusExporterWrites(string instrument, string expected) =>
        Assert.That(PrometheusNaming.MetricName(Instruments.Single(i => i.Name == instrument)), Is.EqualTo(expected));

    // Each expected name is what OpenTelemetry.Exporter.Prometheus.HttpListener 1.20.1-beta.1 writes for the instrument
    // in its OpenMetrics scrape, as Prometheus 2.42 stored it (PrometheusNamingScrapeTests holds them to the exporter).
    [TestCase("orders.subtotal", null, AlertInstrumentKind.Counter, "orders_subtotal_total")]
    [TestCase("db.bytes_read", "By", AlertInstrumentKind.Counter, "db_bytes_read_bytes_total")]
    [TestCase("gc.heap.total_allocated", "By", AlertInstrumentKind.Counter, "gc_heap_total_allocated_bytes_total")]
    [TestCase("db.bytes.total", "By", AlertInstrumentKind.Counter, "db_bytes_total_bytes_total")]
    [TestCase("bytes.sent_total", "By", AlertInstrumentKind.Counter, "bytes_sent_bytes_total")]
    [TestCase("jobs.total", null, AlertInstrumentKind.Counter, "jobs_total")]
    [TestCase("cost", "$", AlertInstrumentKind.Counter, "cost_dollars_total")]
    [TestCase("big", "TiBy", AlertInstrumentKind.Counter, "big_tibibytes_total")]
    [TestCase("x.seconds.spent", "s", AlertInstrumentKind.Histogram, "x_seconds_spent_seconds")]
    [TestCase("queue.depth", "1", AlertInstrumentKind.UpDownCounter, "queue_depth")]
    public void Names_EndWithTheUnitAndTotalAsTheExporterChecksThem(string name, string? unit, AlertInstrumentKind kind, string expected) =>
        Assert.That(PrometheusNaming.MetricName(new AlertInstrument(name, unit, kind)), Is.EqualTo(expected));

    [Test]
    public void ATagKeyThatStartsWithADigit_KeepsTheDigitBehindAnUnderscore_AsTheExporterWritesIt() =>
        Assert.That(PrometheusNaming.LabelName("5g.band"), Is.EqualTo("_5g_band"));

    [Test]
    public void LabelValues_AreTextInPrometheusTemplates_AndAnInfiniteUpperThresholdIsPromQlsInf()
    {
        var rule = Rule("band", "accuscene.cache.hit_ratio", AlertAggregation.LastValue, AlertThresholdKind.Between, 0.5, double.PositiveInfinity);
        rule.Labels["note"] = "{{ oops";

        var yaml = Write([rule], out var written);

        Assert.That(written, Is.EqualTo(1));
        Assert.That(yaml, Does.Contain("          note: \"{{ \\\"{{\\\" }} oops\"\n"));
        Assert.That(yaml, Does.Contain("<= +Inf").And.Not.Contain("Infinity"));
    }

    [Test]
    public void EachThresholdKind_TranslatesToPromQl()
    {
        var rules = new[]
        {
            Rule("errors-rate", "accuscene.api.errors", AlertAggregation.Rate, AlertThresholdKind.GreaterThan, 2, window: 30),
            Rule("slow", "accuscene.simulation.step.duration", AlertAggregation.Percentile, AlertThresholdKind.GreaterThan, 0.016),
            Rule("hits-low", "accuscene.cache.hit_ratio", AlertAggregation.LastValue, AlertThresholdKind.LessThan, 0.5),
            Rule("in-band", "accuscene.api.in_flight", AlertAggregation.Average, AlertThresholdKind.Between, 10, upper: 20),
            Rule("off-band", "accuscene.simulation.step.duration", AlertAggregation.Average, AlertThresholdKind.Outside, 0.001, upper: 0.02),
            Rule("jump", "accuscene.api.errors", AlertAggregation.Rate, AlertThresholdKind.PercentageChange, 50, window: 300),
            Rule("burst", "accuscene.api.errors", AlertAggregation.LastValue, AlertThresholdKind.RateLimit, 100),
            Rule("work", "accuscene.simulation.step.duration", AlertAggregation.Sum, AlertThresholdKind.GreaterThan, 30),
        };
        rules[1].Quantile = 0.99;
        rules[0].Tags["http.route"] = "/scenes/{id}";
        rules[6].Scope = AlertScope.Fleet; // the fleet's total: instance is aggregated away, job kept
        rules[7].Scope = AlertScope.Fleet;

        var expressions = Translate(rules);

        Assert.That(expressions, Is.EqualTo(new Dictionary<string, string>
        {
            ["errors-rate"] = "sum by (job, instance) (rate(accuscene_api_errors_total{http_route=\"/scenes/{id}\"}[30s])) > 2",
            ["slow"] = "histogram_quantile(0.99, sum by (job, instance, le) (rate(accuscene_simulation_step_duration_seconds_bucket[60s]))) > 0.016",
            ["hits-low"] = "avg by (job, instance) (accuscene_cache_hit_ratio) < 0.5",
            ["in-band"] = "(avg_over_time(sum by (job, instance) (accuscene_api_in_flight)[60s:1s]) >= 10) and (avg_over_time(sum by (job, instance) (accuscene_api_in_flight)[60s:1s]) <= 20)",
            ["off-band"] = "((sum by (job, instance) (rate(accuscene_simulation_step_duration_seconds_sum[60s])) / sum by (job, instance) (rate(accuscene_simulation_step_duration_seconds_count[60s]))) < 0.001) or ((sum by (job, instance) (rate(accuscene_simulation_step_duration_seconds_sum[60s])) / sum by (job, instance) (rate(accuscene_simulation_step_duration_seconds_count[60s]))) > 0.02)",
            ["jump"] = "(abs(sum by (job, instance) (rate(accuscene_api_errors_total[300s])) - sum by (job, instance) (rate(accuscene_api_errors_total[300s] offset 300s))) / abs(sum by (job, instance) (rate(accuscene_api_errors_total[300s] offset 300s))) * 100 > 50) and (abs(sum by (job, instance) (rate(accuscene_api_errors_total[300s] offset 300s))) > 0)",
            ["burst"] = "sum by (job) (increase(accuscene_api_errors_total[60s])) > 100",
            ["work"] = "(sum by (job) (increase(accuscene_simulation_step_duration_seconds_sum[60s])) and sum by (job) (increase(accuscene_simulation_step_duration_seconds_count[60s])) > 0) > 30",
        }));
    }

    [Test]
    public void ForKeepFiringForLabelsAndAnnotations_AreWritten_AndHostileTextIsQuoted()
    {
        var rule = Rule("StepTimeHigh", "accuscene.simulation.step.duration", AlertAggregation.Percentile, AlertThresholdKind.GreaterThan, 0.016);
        rule.For = TimeSpan.FromSeconds(30);
        rule.KeepFiringFor = TimeSpan.FromMilliseconds(1500);
        rule.Severity = AlertSeverity.Critical;
        rule.Labels["team"] = "physics \"core\"";
        rule.Annotations["summary"] = "p95 {value} s over {threshold} s\n{{ not a template }}";

        var yaml = Write([rule], out var written);

        Assert.That(written, Is.EqualTo(1));
        Assert.That(yaml, Does.Contain("      - alert: \"StepTimeHigh\"\n"));
        Assert.That(yaml, Does.Contain("        for: 30s\n        keep_firing_for: 1500ms\n"));
        Assert.That(yaml, Does.Contain("          severity: \"critical\"\n          team: \"physics \\\"core\\\"\"\n"));
        Assert.That(yaml, Does.Contain("          summary: \"p95 {{ $value | printf \\\"%.6g\\\" }} s over 0.016 s\\n{{ \\\"{{\\\" }} not a template }}\"\n"));
    }

    [Test]
    public void TheThreshold_IsFilledInAsConfigured_AsTheEngineFillsIt()
    {
        var rule = Rule("StepTimeHuge", "accuscene.simulation.step.duration", AlertAggregation.Percentile, AlertThresholdKind.GreaterThan, 1234567);
        rule.Annotations["summary"] = "over {threshold} s";

        Assert.That(Write([rule], out _), Does.Contain("summary: \"over 1234567 s\""), "AlertEngineTests checks the engine's side");
    }

    [Test]
    public void ARuleNameWithAColon_IsQuoted_SoTheYamlStillReads()
    {
        var yaml = Write([Rule("Latency:", "accuscene.simulation.step.duration", AlertAggregation.Percentile, AlertThresholdKind.GreaterThan, 0.016)], out var written);

        Assert.That(written, Is.EqualTo(1));
        Assert.That(yaml, Does.Contain("      - alert: \"Latency:\"\n"));
    }

    [Test]
    public void RulesWithoutAPromQlEquivalent_AreCommentsThatSayWhy_NeverDroppedSilently()
    {
        var unknown = Rule("ghost", "no.such.instrument", AlertAggregation.LastValue, AlertThresholdKind.GreaterThan, 1);
        var sumOfCounter = Rule("sum-of-totals", "accuscene.api.errors", AlertAggregation.Sum, AlertThresholdKind.GreaterThan, 1);
        var hyphen = Rule("hits-low", "accuscene.cache.hit_ratio", AlertAggregation.LastValue, AlertThresholdKind.LessThan, 0.5);

        var yaml = Write([unknown, sumOfCounter, hyphen], out var written);

        Assert.That(written, Is.EqualTo(1));
        Assert.That(yaml, Does.Contain("# not exported: ghost: the instrument 'no.such.instrument' is not known"));
        Assert.That(yaml, Does.Contain("# not exported: sum-of-totals: Sum on a counter has no PromQL equivalent"));
        Assert.That(yaml, Does.Contain("      - alert: \"hits-low\"\n"), "any text is an alertname to Prometheus: written as the engine names the alert");
    }

    [Test]
    public void ANameWithALineOrParagraphSeparator_CannotEndItsLineAndInjectYaml()
    {
        // YAML breaks lines at U+2028 and U+2029: the rest of the name would be read as rules.
        var hostile = Rule("hits-low\u2028groups: []\u2029x", "accuscene.cache.hit_ratio", AlertAggregation.LastValue, AlertThresholdKind.LessThan, 0.5);

        var yaml = Write([hostile], out _);

        Assert.That(yaml, Does.Contain("      - alert: \"hits-low\\u2028groups: []\\u2029x\"\n").And.Not.Contain("\u2028").And.Not.Contain("\u2029"));
    }

    [Test]
    public void AValueInDoubleBraces_IsFilledInAsTheEngineFillsIt_BracesKept()
    {
        var rule = Rule("HitsLow", "accuscene.cache.hit_ratio", AlertAggregation.LastValue, AlertThresholdKind.LessThan, 0.5);
        rule.Annotations["summary"] = "ratio {{value}} below {{threshold}}";

        var yaml = Write([rule], out _);

        // Before, "{{" was escaped first and the placeholder inside it never filled: Prometheus printed "{{value}}".
        Assert.That(yaml, Does.Contain("          summary: \"ratio {{ \\\"{\\\" }}{{ $value | printf \\\"%.6g\\\" }}} below {0.5}\"\n"));
    }

    [TestCase(10, "1s")]
    [TestCase(60, "1s")]
    [TestCase(61, "1s")]
    [TestCase(120, "2s")]
    [TestCase(125, "1s")]
    [TestCase(300, "5s")]
    [TestCase(3600, "60s")]
    [TestCase(86400, "1440s")]
    public void ASubquerysStep_DividesTheWindow_SoBothWindowsHoldAsManyPoints(int seconds, string step) =>
        Assert.That(PromQlTranslator.SubqueryStep(TimeSpan.FromSeconds(seconds)), Is.EqualTo(step));

    [TestCase("", "v", "Tags: needs a tag name")]
    [TestCase("http.route", null, "Tags:http.route needs a tag name and a value")]
    public void ATagWithoutANameOrValue_IsRefused_AndNotExported(string key, string? value, string expected)
    {
        var rule = Rule("tagged", "accuscene.cache.hit_ratio", AlertAggregation.LastValue, AlertThresholdKind.LessThan, 0.5);
        rule.Tags[key] = value!;

        var yaml = Write([rule], out var written);

        Assert.Multiple(() =>
        {
            Assert.That(AccuSceneAlertEngine.Validate(rule), Does.Contain(expected));
            Assert.That(yaml, Does.Contain("# not exported: tagged:"));
            Assert.That(written, Is.Zero);
        });
    }

    [Test]
    public void ALabelNamedName_IsRefused_AsPrometheusRefusesTheWholeFileForIt()
    {
        var rule = Rule("named", "accuscene.cache.hit_ratio", AlertAggregation.LastValue, AlertThresholdKind.LessThan, 0.5);
        rule.Labels["__name__"] = "x";

        Assert.That(AccuSceneAlertEngine.Validate(rule), Does.Contain("Labels must not set __name__"));
    }

    private static Dictionary<string, string> Translate(IEnumerable<AlertRule> rules) =>
        rules.ToDictionary(r => r.Name, r => PromQlTranslator.Translate(r, Instruments.Single(i => i.Name == r.Metric)).Expression!);

    private static string Write(AlertRule[] rules, out int written)
    {
        using var text = new StringWriter();
        written = PrometheusAlertRules.Write(rules, Instruments, text);
        return text.ToString();
    }

    private static AlertRule Rule(string name, string metric, AlertAggregation aggregation, AlertThresholdKind kind, double threshold, double? upper = null, int window = 60) =>
        new() { Name = name, Metric = metric, Aggregation = aggregation, Kind = kind, Threshold = threshold, UpperThreshold = upper, Window = TimeSpan.FromSeconds(window) };
}
