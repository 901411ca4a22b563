using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.Tests.Tracing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>Exemplars from sampled spans, from the metric pipeline to an alert, and the labels that tell a process apart.</summary>
[NonParallelizable]
public class AlertExemplarTests
{
    [Test]
    public void LatencyAlert_CarriesTheTraceOfAMeasurementBehindItsValue_InJsonAndEveryNotification()
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Service.Name = "exemplar-tests";
            o.Service.InstanceId = "replica-7";
            o.Alerts.Rules.Add(new AlertRule { Name = "slow-p95", Metric = "accuscene.tests.exemplars.latency", Aggregation = AlertAggregation.Percentile, Quantile = 0.95, Threshold = 90 });
        });
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var engine = provider.GetRequiredService<AccuSceneAlertEngine>();
        var notified = new List<AlertNotification>();
        engine.Notification += (_, n) => notified.Add(n);
        using var source = new ActivitySource("AccuScene.Tests.Exemplars");
        using var listener = SampledSource.Listen(source.Name);
        using var meter = new Meter("AccuScene.Tests.Exemplars");
        var latency = meter.CreateHistogram<double>("accuscene.tests.exemplars.latency");
        for (var i = 1; i <= 90; i++)
        {
            latency.Record(i); // outside any span: no exemplar
        }

        ActivityTraceId slowTrace;
        using (var slow = source.StartActivity("slow request")!)
        {
            slowTrace = slow.TraceId;
            for (var i = 0; i < 10; i++)
            {
                latency.Record(99);
            }
        }

        meters.ForceFlush();

        var alert = engine.Active().Single();
        Assert.That(alert.Exemplar, Is.Not.Null, "the p95 alert carries an exemplar");
        Assert.That(alert.Exemplar!.TraceId, Is.EqualTo(slowTrace.ToHexString()), "the only measurements made in a sampled span");
        Assert.That(alert.Exemplar.Value, Is.EqualTo(99));
        Assert.That(notified.Single().Alert.Exemplar?.TraceId, Is.EqualTo(slowTrace.ToHexString()), "the firing notification carries it too");
        Assert.That(alert.Labels["job"], Is.EqualTo("exemplar-tests"), "job from service.name");
        Assert.That(alert.Labels["instance"], Is.EqualTo("replica-7"), "instance from service.instance.id");

        // In the next export the p95 stays high (slow measurements outside any span) and the only new exemplar
        // is a fast request's: it is not the trace behind a high p95, so the alert keeps the slow one.
        for (var i = 0; i < 20; i++)
        {
            latency.Record(99);
        }

        using (source.StartActivity("fast request"))
        {
            latency.Record(1);
        }

        meters.ForceFlush();
        Assert.That(engine.Active().Single().Exemplar!.TraceId, Is.EqualTo(slowTrace.ToHexString()), "only measurements at or above the value stand behind it");

        using var json = JsonDocument.Parse(AlertJson.Serialize(engine));
        var exemplar = json.RootElement.GetProperty("active")[0].GetProperty("exemplar");
        Assert.That(exemplar.GetProperty("trace_id").GetString(), Is.EqualTo(slowTrace.ToHexString()));
        Assert.That(exemplar.GetProperty("span_id").GetString(), Has.Length.EqualTo(16));
        var slack = System.Text.Encoding.UTF8.GetString(AlertJson.Slack(notified, "exemplar-tests").Single());
        Assert.That(slack, Does.Contain($"(trace {slowTrace.ToHexString()})"));
    }

    [Test]
    public void WithExemplarsOff_NoAlertCarriesOne_AndARuleLabelWinsOverTheIdentityLabel()
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Metrics.ExemplarFilter = ExemplarFilterType.AlwaysOff;
            var rule = new AlertRule { Name = "many", Metric = "accuscene.tests.exemplars.off", Threshold = 1 };
            rule.Labels["instance"] = "fleet-wide";
            o.Alerts.Rules.Add(rule);
        });
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var engine = provider.GetRequiredService<AccuSceneAlertEngine>();
        using var source = new ActivitySource("AccuScene.Tests.Exemplars.Off");
        using var listener = SampledSource.Listen(source.Name);
        using var meter = new Meter("AccuScene.Tests.Exemplars.Off");
        var counter = meter.CreateCounter<long>("accuscene.tests.exemplars.off");
        using (source.StartActivity("work"))
        {
            counter.Add(5);
        }

        meters.ForceFlush();

        var alert = engine.Active().Single();
        Assert.That(alert.Exemplar, Is.Null);
        Assert.That(alert.Labels["instance"], Is.EqualTo("fleet-wide"));
    }

    [Test]
    public void AlertLabels_FollowTheProvidersResource_WhenTheAppNamesTheServiceAfterAddAccuScene()
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Service.Name = "from-options";
            o.Service.InstanceId = "options-instance";
            o.Alerts.Rules.Add(new AlertRule { Name = "busy", Metric = "accuscene.tests.identity.jobs", Aggregation = AlertAggregation.LastValue, Threshold = 0 });
        })
        .ConfigureResource(r => r.AddService("checkout", serviceNamespace: "shop", serviceInstanceId: "pod-7"));
        using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var engine = provider.GetRequiredService<AccuSceneAlertEngine>();
        using var meter = new Meter("AccuScene.Tests.Identity");
        meter.CreateCounter<long>("accuscene.tests.identity.jobs").Add(3);

        meters.ForceFlush();

        var labels = engine.Active().Single().Labels;
        Assert.That((labels["job"], labels["instance"]), Is.EqualTo(("shop/checkout", "pod-7")), "the resource every exporter reports, not the options");
    }
}
