using System.Diagnostics;
using System.Text.Json;
using AccuScene.Otel.Dashboard;

using AccuScene.Otel.Tests.Tracing;

namespace AccuScene.Otel.Tests.Dashboard;

/// <summary>A latency chart's latest p99 exemplar: the trace behind its slowest measurements, linked by the configured template.</summary>
[NonParallelizable]
public class DashboardExemplarTests
{
    [Test]
    public void TheP99Exemplar_IsASlowMeasurementsTrace_LinkedThroughTheTemplate()
    {
        // Fast and slow measurements in buckets of their own, the slow ones first: the bucket reservoir keeps one
        // exemplar per bucket, so only the choice by p99 (not "the newest") picks the slow trace.
        using var harness = new DashboardHarness(
            "AccuScene.Tests.DashExemplars",
            o => o.TraceUrlTemplate = "http://127.0.0.1:18888/traces/detail/{trace_id}?span={span_id}",
            boundaries: [0.01, 0.1, 1]);
        using var source = new ActivitySource("AccuScene.Tests.DashExemplars");
        using var listener = SampledSource.Listen(source.Name);
        var latency = harness.Meter.CreateHistogram<double>("accuscene.tests.dashex.latency", "s");
        ActivityTraceId fast, slow;
        ActivitySpanId slowSpan;
        using (var activity = source.StartActivity("slow")!)
        {
            (slow, slowSpan) = (activity.TraceId, activity.SpanId);
            for (var i = 0; i < 5; i++)
            {
                latency.Record(0.8);
            }
        }

        using (var activity = source.StartActivity("fast")!)
        {
            fast = activity.TraceId;
            for (var i = 0; i < 200; i++)
            {
                latency.Record(0.002);
            }
        }

        harness.Sample();

        var metric = harness.Metric("accuscene.tests.dashex.latency");
        Assert.That(metric.Exemplar, Is.Not.Null);
        Assert.That(metric.Exemplar!.TraceId, Is.EqualTo(slow.ToHexString()), $"not the fast trace {fast}: the p99 is {metric.P99}");
        Assert.That(metric.Exemplar.Value, Is.EqualTo(0.8));
        Assert.That(metric.Exemplar.Url, Is.EqualTo($"http://127.0.0.1:18888/traces/detail/{slow.ToHexString()}?span={slowSpan.ToHexString()}"));

        // Later samples with no new slow measurement keep the latest p99 exemplar; the JSON carries it.
        harness.Sample();
        using var json = JsonDocument.Parse(DashboardJson.Serialize(harness.Dashboard.GetModel()));
        var written = json.RootElement.GetProperty("sections").GetProperty("other").GetProperty("metrics").EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == "accuscene.tests.dashex.latency").GetProperty("exemplar");
        Assert.That(written.GetProperty("trace_id").GetString(), Is.EqualTo(slow.ToHexString()));
        Assert.That(written.GetProperty("url").GetString(), Does.StartWith("http://127.0.0.1:18888/traces/detail/"));
    }

    [Test]
    public void WithoutATemplate_TheTraceIdIsGiven_WithNoLink_AndOutsideSpansThereIsNone()
    {
        using var harness = new DashboardHarness("AccuScene.Tests.DashExemplars2");
        using var source = new ActivitySource("AccuScene.Tests.DashExemplars2");
        using var listener = SampledSource.Listen(source.Name);
        var inSpan = harness.Meter.CreateHistogram<double>("accuscene.tests.dashex.inspan", "s");
        var outside = harness.Meter.CreateHistogram<double>("accuscene.tests.dashex.outside", "s");
        using (source.StartActivity("work"))
        {
            inSpan.Record(0.5);
        }

        outside.Record(0.5);
        harness.Sample();

        Assert.That(harness.Metric("accuscene.tests.dashex.inspan").Exemplar, Is.Not.Null.And.Property(nameof(DashboardExemplar.Url)).Null);
        Assert.That(harness.Metric("accuscene.tests.dashex.outside").Exemplar, Is.Null);
    }
}
