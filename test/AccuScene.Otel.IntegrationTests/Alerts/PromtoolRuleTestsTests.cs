using System.Text.RegularExpressions;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Prometheus;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Alerts;

/// <summary>The generated promtool tests, run by a real promtool: they pass on the exported rules and fail on a broken one.</summary>
public partial class PromtoolRuleTestsTests
{
    private static readonly AlertInstrument[] Instruments =
    [
        new("accuscene.tests.requests", "{request}", AlertInstrumentKind.Counter),
        new("accuscene.tests.in_flight", "{request}", AlertInstrumentKind.UpDownCounter),
        new("accuscene.tests.ratio", "1", AlertInstrumentKind.Gauge),
        new("accuscene.tests.latency", "s", AlertInstrumentKind.Histogram),
    ];

    [Test]
    [CancelAfter(180_000)]
    public async Task EveryThresholdKindOnEveryInstrumentKind_PassesPromtool_AndABrokenRuleFailsIt(CancellationToken cancellationToken)
    {
        var rules = Matrix();
        using var directory = new TemporaryDirectory();
        using (var writer = new StreamWriter(Path.Combine(directory.Path, "rules.yml")))
        {
            PrometheusAlertRules.Write(rules, Instruments, writer);
        }

        int tested;
        using (var writer = new StreamWriter(Path.Combine(directory.Path, "tests.yml")))
        {
            tested = PrometheusRuleTests.Write(rules, Instruments, "rules.yml", writer);
        }

        var exported = RuleNames().Matches(await File.ReadAllTextAsync(Path.Combine(directory.Path, "rules.yml"), cancellationToken)).Select(m => m.Groups[1].Value).ToList();
        var notTested = NotTested().Matches(await File.ReadAllTextAsync(Path.Combine(directory.Path, "tests.yml"), cancellationToken)).Select(m => m.Groups[1].Value).ToList();
        var (exitCode, output) = await PrometheusServer.TestRulesAsync(Path.Combine(directory.Path, "tests.yml"), cancellationToken);
        TestContext.Out.WriteLine($"{rules.Count} rules, {exported.Count} exported, {tested} with promtool tests; not tested: {string.Join("; ", notTested)}. {output.Trim()}");
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(tested, Is.GreaterThanOrEqualTo(60), "most of the matrix is tested");
        Assert.That(tested + notTested.Count, Is.EqualTo(exported.Count), "an exported rule without tests is named, with why");
        Assert.That(notTested, Is.Empty, "every exported rule of the matrix has whole-second windows and a steady test series");

        // Break one rule's PromQL on purpose: promtool must fail, naming that rule.
        var rulesText = await File.ReadAllTextAsync(Path.Combine(directory.Path, "rules.yml"), cancellationToken);
        var broken = exported[3];
        var start = rulesText.IndexOf($"- alert: \"{broken}\"\n", StringComparison.Ordinal);
        var expr = rulesText.IndexOf("expr: ", start, StringComparison.Ordinal);
        var end = rulesText.IndexOf('\n', expr);
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "rules.yml"), rulesText[..expr] + "expr: \"vector(0) > 1\"" + rulesText[end..], cancellationToken);
        var (brokenExit, brokenOutput) = await PrometheusServer.TestRulesAsync(Path.Combine(directory.Path, "tests.yml"), cancellationToken);
        TestContext.Out.WriteLine($"with {broken}'s expression broken: exit {brokenExit}");
        Assert.That(brokenExit, Is.Not.Zero, brokenOutput);
        Assert.That(brokenOutput, Does.Contain($"alertname: {broken}"));
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task AGaugesAverage_ReadsItsWholeWindow_AtPrometheusDefaultEvaluationInterval_AStalledHistogramHasNoSum_AndANameWithAColonReads(CancellationToken cancellationToken)
    {
        // A gauge at 10 for one scrape a minute and 0 otherwise averages 1.67 over any minute: the rule (> 5) must
        // not fire at Prometheus' default 1m evaluation interval, and must fire on a gauge that stays at 10.
        // And a histogram's sum under a floor: a histogram that records nothing has no sum in the engine, so the
        // rule fires only while there are measurements.
        var rule = new AlertRule { Name = "RatioHigh:", Metric = "accuscene.tests.ratio", Aggregation = AlertAggregation.Average, Threshold = 5, Window = TimeSpan.FromSeconds(60) };
        var floor = new AlertRule { Name = "WorkLow", Metric = "accuscene.tests.latency", Aggregation = AlertAggregation.Sum, Kind = AlertThresholdKind.LessThan, Threshold = 1, Window = TimeSpan.FromSeconds(60) };
        using var directory = new TemporaryDirectory();
        using (var writer = new StreamWriter(Path.Combine(directory.Path, "rules.yml")))
        {
            Assert.That(PrometheusAlertRules.Write([rule, floor], Instruments, writer), Is.EqualTo(2));
        }

        const string labels = "{job=\"sim\",instance=\"r1\"}";
        var series = PrometheusNaming.MetricName(Instruments[2]) + labels;
        var latency = PrometheusNaming.MetricName(Instruments[3]);
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "tests.yml"), $$"""
            rule_files:
              - rules.yml
            evaluation_interval: 1m
            tests:
              - interval: 10s
                input_series:
                  - series: '{{series}}'
                    values: "10 0 0 0 0 0 10 0 0 0 0 0 10 0 0 0 0 0 10 0 0 0 0 0 10"
                alert_rule_test:
                  - eval_time: 3m
                    alertname: "RatioHigh:"
                    exp_alerts: []
              - interval: 10s
                input_series:
                  - series: '{{series}}'
                    values: "10x24"
                alert_rule_test:
                  - eval_time: 3m
                    alertname: "RatioHigh:"
                    exp_alerts:
                      - exp_labels: { alertname: "RatioHigh:", severity: "medium", job: "sim", instance: "r1" }
              - interval: 10s
                input_series:
                  - series: '{{latency}}_sum{{labels}}'
                    values: "5x24"
                  - series: '{{latency}}_count{{labels}}'
                    values: "10x24"
                alert_rule_test:
                  - eval_time: 3m
                    alertname: WorkLow
                    exp_alerts: []
              - interval: 10s
                input_series:
                  - series: '{{latency}}_sum{{labels}}'
                    values: "0+0.01x24"
                  - series: '{{latency}}_count{{labels}}'
                    values: "0+1x24"
                alert_rule_test:
                  - eval_time: 3m
                    alertname: WorkLow
                    exp_alerts:
                      - exp_labels: { alertname: "WorkLow", severity: "medium", job: "sim", instance: "r1" }
            """, cancellationToken);

        var (exitCode, output) = await PrometheusServer.TestRulesAsync(Path.Combine(directory.Path, "tests.yml"), cancellationToken);
        TestContext.Out.WriteLine(await File.ReadAllTextAsync(Path.Combine(directory.Path, "rules.yml"), cancellationToken) + output);
        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task TheDemosExportRulesWithTests_PassPromtool_ForEveryDefaultRule(CancellationToken cancellationToken)
    {
        using var directory = new TemporaryDirectory();
        var demoDll = BuildPaths.Get("DemoAssemblyPath");
        var (rulesFile, testsFile) = (Path.Combine(directory.Path, "accuscene-rules.yml"), Path.Combine(directory.Path, "accuscene-rules.test.yml"));
        using var process = ServerProcess.Start("dotnet", [demoDll, "export-rules", "--output", rulesFile, "--tests", testsFile], new Dictionary<string, string>(), Path.GetDirectoryName(demoDll));
        Assert.That(await process.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken), Is.True, "export-rules exits");
        Assert.That(process.ExitCode, Is.Zero, process.Output);

        var (exitCode, output) = await PrometheusServer.TestRulesAsync(testsFile, cancellationToken);
        var tests = await File.ReadAllTextAsync(testsFile, cancellationToken);
        TestContext.Out.WriteLine($"{process.Output.Trim()} promtool: {output.Trim()}");
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(tests, Does.Not.Contain("# not tested"));
        Assert.That(tests, Does.Contain("# ApiErrorRateHigh: two instances together cross the threshold: one fleet alert, without instance"));
    }

    private static List<AlertRule> Matrix()
    {
        var rules = new List<AlertRule>();
        var kinds = Enum.GetValues<AlertThresholdKind>();
        var aggregations = Enum.GetValues<AlertAggregation>();
        foreach (var instrument in Instruments)
        {
            foreach (var aggregation in aggregations)
            {
                foreach (var kind in kinds)
                {
                    var rule = new AlertRule
                    {
                        Name = $"{instrument.Name.Split('.')[^1]}_{aggregation}_{kind}".Replace("_", string.Empty, StringComparison.Ordinal),
                        Metric = instrument.Name,
                        Aggregation = aggregation,
                        Kind = kind,
                        Threshold = kind == AlertThresholdKind.PercentageChange ? 50 : 0.25,
                        UpperThreshold = kind is AlertThresholdKind.Between or AlertThresholdKind.Outside ? 0.75 : null,
                        Window = TimeSpan.FromSeconds(10),
                        For = TimeSpan.FromSeconds(rules.Count % 3 * 4),
                        KeepFiringFor = TimeSpan.FromSeconds(rules.Count % 2 * 3),
                        Scope = rules.Count % 2 == 0 ? AlertScope.Instance : AlertScope.Fleet,
                        Severity = AlertSeverity.High,
                    };
                    rule.Labels["team"] = "tests";
                    rule.Annotations["summary"] = "{metric} is {value} against {threshold}";
                    rules.Add(rule);
                }
            }
        }

        // A band open at the top (+Inf in PromQL and in the test series), and a label whose text looks like a template.
        foreach (var kind in new[] { AlertThresholdKind.Between, AlertThresholdKind.Outside })
        {
            var open = new AlertRule
            {
                Name = $"ratioopen{kind}",
                Metric = "accuscene.tests.ratio",
                Kind = kind,
                Threshold = 0.25,
                UpperThreshold = double.PositiveInfinity,
                Window = TimeSpan.FromSeconds(10),
                Severity = AlertSeverity.Low,
            };
            open.Labels["note"] = "{{ not a template }}";
            rules.Add(open);
        }

        return rules;
    }

    [GeneratedRegex(@"- alert: ""([^""]+)""")]
    private static partial Regex RuleNames();

    [GeneratedRegex(@"# not tested: (.+)")]
    private static partial Regex NotTested();

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("accuscene-promtool-").FullName;

        public void Dispose() => Directory.Delete(this.Path, recursive: true);
    }
}
