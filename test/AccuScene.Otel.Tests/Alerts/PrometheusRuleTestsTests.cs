using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Prometheus;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>The shape of the generated promtool tests; promtool itself runs them in the integration suite.</summary>
public class PrometheusRuleTestsTests
{
    private static readonly AlertInstrument[] Instruments =
    [
        new("accuscene.tests.latency", "s", AlertInstrumentKind.Histogram),
        new("accuscene.tests.errors", "{error}", AlertInstrumentKind.Counter),
    ];

    [Test]
    public void EachRule_GetsAQuietCaseAndACrossingCase_AndAFleetRuleExpectsOneAlertWithoutInstance()
    {
        var slow = new AlertRule { Name = "Slow", Metric = "accuscene.tests.latency", Aggregation = AlertAggregation.Percentile, Quantile = 0.9, Threshold = 0.2, For = TimeSpan.FromSeconds(10), Window = TimeSpan.FromSeconds(30) };
        slow.Annotations["summary"] = "p90 is {value} s over {threshold}";
        var errors = new AlertRule { Name = "Errors", Metric = "accuscene.tests.errors", Kind = AlertThresholdKind.RateLimit, Threshold = 4, Window = TimeSpan.FromSeconds(20), Scope = AlertScope.Fleet };
        var odd = new AlertRule { Name = "Odd", Metric = "accuscene.tests.errors", Aggregation = AlertAggregation.Rate, Threshold = 1, Window = TimeSpan.FromMilliseconds(1500) };
        using var output = new StringWriter();

        var tested = PrometheusRuleTests.Write([slow, errors, odd], Instruments, "rules.yml", output);
        var yaml = output.ToString();

        Assert.That(tested, Is.EqualTo(2));
        Assert.That(yaml, Does.Contain("rule_files:\n  - \"rules.yml\"\n"));
        Assert.That(yaml, Does.Contain("# not tested: Odd: its window must be a whole number of seconds, at least 2"));
        Assert.That(yaml, Does.Contain("# Slow: stays on the quiet side of the threshold and must not fire"));
        Assert.That(yaml, Does.Contain("# Slow: replica-1 crosses the threshold and replica-2 does not: one alert, for replica-1 once `for` (10s) has passed"));
        var instanceCase = yaml[yaml.IndexOf("# Slow: replica-1 crosses", StringComparison.Ordinal)..yaml.IndexOf("# Errors:", StringComparison.Ordinal)];
        Assert.That(instanceCase, Does.Contain("instance=\\\"replica-2\\\",le=\\\"" + PromQlTranslator.Number(0.1 / 0.9) + "\\\""), "replica-2 stays at half the threshold");
        Assert.That(instanceCase, Does.Contain("              instance: \"replica-1\"\n"), "the one alert is replica-1's");
        Assert.That(yaml, Does.Contain("summary: \"p90 is 0.4 s over 0.2\""), "the crossing value is twice the threshold, as Go's %.6g prints it");
        Assert.That(yaml, Does.Contain($"le=\\\"{PromQlTranslator.Number(0.4 / 0.9)}\\\""), "all measurements in one bucket whose 0.9 quantile is 0.4");
        Assert.That(yaml, Does.Contain("      - eval_time: 1s\n        alertname: \"Slow\"\n        exp_alerts: []"), "pending, not yet firing");
        var fleetCase = yaml[yaml.IndexOf("# Errors: two instances", StringComparison.Ordinal)..];
        Assert.That(fleetCase, Does.Contain("instance=\\\"replica-1\\\"").And.Contain("instance=\\\"replica-2\\\""));
        var expected = fleetCase[fleetCase.IndexOf("exp_labels:", StringComparison.Ordinal)..];
        Assert.That(expected, Does.Not.Contain("instance:"), "one fleet alert, without instance");
        Assert.That(expected, Does.Contain("job: \"accuscene\""));
    }
}
