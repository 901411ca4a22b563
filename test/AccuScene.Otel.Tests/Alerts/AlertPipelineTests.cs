using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Alerts;

public class AlertPipelineTests
{
    [Test]
    public void RulesRead_TheOpenTelemetryMetricPoints_AndTheInProcessPercentiles()
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Alerts.Rules.Add(new AlertRule { Name = "many-errors", Metric = "accuscene.tests.alerts.errors", Threshold = 3, Severity = AlertSeverity.High });
            o.Alerts.Rules.Add(new AlertRule { Name = "slow-p95", Metric = "accuscene.tests.alerts.latency", Aggregation = AlertAggregation.Percentile, Quantile = 0.95, Threshold = 90 });
            o.Alerts.Rules.Add(new AlertRule { Name = "slow-mean", Metric = "accuscene.tests.alerts.latency", Aggregation = AlertAggregation.Average, Threshold = 50 });
            o.Alerts.Rules.Add(new AlertRule { Name = "never-seen", Metric = "accuscene.tests.alerts.missing", Threshold = 1 });
        });
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var engine = provider.GetRequiredService<AccuSceneAlertEngine>();
        var fired = new List<string>();
        engine.Notification += (_, n) => fired.Add(n.Alert.Rule);
        using var meter = new Meter("AccuScene.Tests.Alerts");
        meter.CreateCounter<long>("accuscene.tests.alerts.errors").Add(5);
        var latency = meter.CreateHistogram<double>("accuscene.tests.alerts.latency");
        for (var i = 1; i <= 100; i++)
        {
            latency.Record(i);
        }

        meters.ForceFlush();

        Assert.That(fired, Is.EquivalentTo(new[] { "many-errors", "slow-p95", "slow-mean" }), "the missing metric's rule stays inactive");
        Assert.That(engine.Active().Single(a => a.Rule == "slow-p95").Value, Is.EqualTo(95).Within(1).Percent);
        Assert.That(engine.Active().Single(a => a.Rule == "slow-mean").Value, Is.EqualTo(50.5));
    }

    [Test]
    public void OneMetricNameFromTwoMeters_IsOneSample()
    {
        // As ASP.NET Core's and AccuScene's http.server.request.duration: same name, two meters.
        var engine = new AccuSceneAlertEngine([new AlertRule { Name = "both", Metric = "shared.requests", Threshold = 6 }]);
        using var a = new Meter("AccuScene.Tests.Alerts.A");
        using var b = new Meter("Tests.Alerts.B");
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(a.Name, b.Name)
            .AddReader(new BaseExportingMetricReader(new AlertMetricExporter(engine, () => null)) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative })
            .Build()!;
        a.CreateCounter<long>("shared.requests").Add(3);
        b.CreateCounter<long>("shared.requests").Add(4);

        provider.ForceFlush();

        Assert.That(engine.Active().Single().Value, Is.EqualTo(7), "3 + 4: neither meter alone crosses 6");
    }

    [Test]
    public void ABooleanTag_IsMatchedAsPrometheusWritesIt_InTheRulesAndThePercentiles()
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Alerts.Rules.Add(new AlertRule { Name = "critical-down", Metric = "accuscene.tests.alerts.down", Threshold = 0, Tags = { ["critical"] = "true" } });
            o.Alerts.Rules.Add(new AlertRule { Name = "dotnet-text", Metric = "accuscene.tests.alerts.down", Threshold = 0, Tags = { ["critical"] = "True" } });
        });
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var engine = provider.GetRequiredService<AccuSceneAlertEngine>();
        using var meter = new Meter("AccuScene.Tests.Alerts.Flags");
        meter.CreateGauge<int>("accuscene.tests.alerts.down").Record(1, new KeyValuePair<string, object?>("critical", true));
        meter.CreateHistogram<double>("accuscene.tests.alerts.flagged").Record(3, new KeyValuePair<string, object?>("critical", true));

        meters.ForceFlush();

        var percentiles = provider.GetRequiredService<AccuScene.Otel.Metrics.Percentiles.AccuScenePercentiles>();
        Assert.Multiple(() =>
        {
            Assert.That(engine.Active().Select(a => a.Rule), Is.EqualTo(new[] { "critical-down" }));
            Assert.That(percentiles.Find("accuscene.tests.alerts.flagged", new KeyValuePair<string, string?>("critical", "true"))?.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void AnEmptyTagValue_MatchesPointsWithoutTheTag_AsTheExportedRulesLabelMatcherDoes()
    {
        // Prometheus keeps no empty label: error_type="" matches the series without error_type, the successes.
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Alerts.Rules.Add(new AlertRule { Name = "successes", Metric = "accuscene.tests.alerts.served", Threshold = 1, Tags = { ["error.type"] = string.Empty } });
            o.Alerts.Rules.Add(new AlertRule { Name = "slow-successes", Metric = "accuscene.tests.alerts.served_time", Aggregation = AlertAggregation.Percentile, Quantile = 0.5, Threshold = 1, Tags = { ["error.type"] = string.Empty } });
        });
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var engine = provider.GetRequiredService<AccuSceneAlertEngine>();
        using var meter = new Meter("AccuScene.Tests.Alerts.EmptyTag");
        meter.CreateCounter<long>("accuscene.tests.alerts.served").Add(5, new KeyValuePair<string, object?>("http.route", "/a"));
        meter.CreateCounter<long>("accuscene.tests.alerts.served").Add(100, new KeyValuePair<string, object?>("error.type", "500"));
        meter.CreateHistogram<double>("accuscene.tests.alerts.served_time").Record(3, new KeyValuePair<string, object?>("http.route", "/a"));
        meter.CreateHistogram<double>("accuscene.tests.alerts.served_time").Record(0.1, new KeyValuePair<string, object?>("error.type", "500"));

        meters.ForceFlush();

        var direct = new AccuSceneAlertEngine([new AlertRule { Name = "d", Metric = "m", Threshold = 1, Tags = { ["error.type"] = string.Empty } }]);
        direct.Check("m", 5, new Dictionary<string, string>());
        direct.Check("m", 5, new Dictionary<string, string> { ["error.type"] = "timeout" }); // another series: no match, no resolve
        Assert.Multiple(() =>
        {
            Assert.That(engine.Active().Select(a => (a.Rule, a.Value)), Is.EquivalentTo(new[] { ("successes", 5.0), ("slow-successes", 3.0) }).Using<(string, double)>((a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) <= 0.03 * b.Item2));
            Assert.That(direct.Active().Select(a => a.Rule), Is.EqualTo(new[] { "d" }));
        });
    }

    [Test]
    public void ARuleRedefinedDuringAnExport_IsNotFedTheSampleOfItsOldDefinition()
    {
        // A reload on another thread can land between two rules' samples of one export: here A's notification does it.
        var a = new AlertRule { Name = "a", Metric = "accuscene.tests.alerts.first", Threshold = 0 };
        var x = new AlertRule { Name = "x", Metric = "accuscene.tests.alerts.first", Aggregation = AlertAggregation.Average, Threshold = 100 };
        var engine = new AccuSceneAlertEngine([a, x]);
        engine.Notification += (_, n) =>
        {
            if (n.Alert.Rule == "a")
            {
                engine.ReplaceRules([a, new AlertRule { Name = "x", Metric = "accuscene.tests.alerts.second", Aggregation = AlertAggregation.Average, Threshold = 100 }]);
            }
        };
        using var meter = new Meter("AccuScene.Tests.Alerts.Redefined");
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddReader(new BaseExportingMetricReader(new AlertMetricExporter(engine, () => null)) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative })
            .Build()!;
        meter.CreateGauge<int>("accuscene.tests.alerts.first").Record(500);

        provider.ForceFlush();

        Assert.That(engine.Active().Select(i => i.Rule), Is.EqualTo(new[] { "a" }), "x now reads accuscene.tests.alerts.second, which has no value");
    }

    [Test]
    public void RulesFromConfiguration_AreBoundAndValidatedWithTheirKeys()
    {
        var good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Alerts:Rules:0:Name"] = "step-time",
            ["AccuScene:Alerts:Rules:0:Metric"] = "accuscene.simulation.step.duration",
            ["AccuScene:Alerts:Rules:0:Aggregation"] = "Percentile",
            ["AccuScene:Alerts:Rules:0:Threshold"] = "0.016",
            ["AccuScene:Alerts:Rules:0:For"] = "00:00:30",
            ["AccuScene:Alerts:Rules:0:Severity"] = "Critical",
            ["AccuScene:Alerts:Rules:0:Labels:team"] = "physics",
        }).Build();
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Alerts:Rules:0:Name"] = "range",
            ["AccuScene:Alerts:Rules:0:Metric"] = "m",
            ["AccuScene:Alerts:Rules:0:Kind"] = "Between",
            ["AccuScene:Alerts:Rules:0:Threshold"] = "5",
        }).Build();

        var rule = AccuSceneOptionsLoader.Load(good, null).Alerts.Rules.Single();
        var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(bad, null))!;

        Assert.That((rule.Name, rule.Aggregation, rule.Threshold, rule.For, rule.Severity, rule.Labels["team"]), Is.EqualTo(("step-time", AlertAggregation.Percentile, 0.016, TimeSpan.FromSeconds(30), AlertSeverity.Critical, "physics")));
        Assert.That(ex.Message, Does.Contain("AccuScene:Alerts:Rules:0: Alert rule 'range': Between needs an UpperThreshold."));
    }
}
