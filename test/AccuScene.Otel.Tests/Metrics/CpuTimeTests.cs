using System.Diagnostics;
using AccuScene.Otel.Instrumentation.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>#17: CPU utilisation that is right for every reader, whatever the other readers' intervals.</summary>
public class CpuTimeTests
{
    [Test]
    public void TwoReadersAtDifferentIntervals_EachDeriveUtilisationOverTheirOwnInterval()
    {
        using var system = new SystemMetrics();
        var often = new CpuCapture();
        var seldom = new CpuCapture();
        var oftenReader = new BaseExportingMetricReader(often) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        var seldomReader = new BaseExportingMetricReader(seldom) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(SystemMetrics.MeterName)
            .AddReader(oftenReader)
            .AddReader(seldomReader)
            .Build()!;

        var start = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.StartNew();
        oftenReader.Collect();
        seldomReader.Collect();

        // The frequent reader collects five times while the CPU is busy; the other only at both ends.
        for (var i = 0; i < 5; i++)
        {
            Burn(TimeSpan.FromMilliseconds(60));
            oftenReader.Collect();
        }

        seldomReader.Collect();
        var used = (Environment.CpuUsage.TotalTime - start).TotalSeconds;
        var elapsed = wall.Elapsed.TotalSeconds;

        var seldomUsed = seldom.Seconds[^1] - seldom.Seconds[0];
        var oftenUsed = Enumerable.Range(1, often.Seconds.Count - 1).Sum(i => often.Seconds[i] - often.Seconds[i - 1]);
        var utilisation = seldomUsed / (elapsed * Environment.ProcessorCount);
        TestContext.Out.WriteLine($"CPU used {used:0.000} s; the seldom reader saw {seldomUsed:0.000} s, the frequent one {oftenUsed:0.000} s over {often.Seconds.Count - 1} intervals; utilisation {utilisation:P1}");
        Assert.Multiple(() =>
        {
            // A gauge "since the last observation" would give the seldom reader only the last 60 ms of work.
            Assert.That(seldomUsed, Is.GreaterThanOrEqualTo(0.25), "the seldom reader sees the CPU of its whole interval");
            Assert.That(seldomUsed, Is.LessThanOrEqualTo(used + 0.02));
            Assert.That(oftenUsed, Is.EqualTo(seldomUsed).Within(0.05), "both readers account for the same CPU");
            Assert.That(utilisation, Is.InRange(0.0, 1.0));
        });
    }

    // Busy until the process has used that much more CPU (or 5 s have passed), however loaded the machine is.
    private static void Burn(TimeSpan cpu)
    {
        var until = Environment.CpuUsage.TotalTime + cpu;
        var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        var x = 0.0;
        while (Environment.CpuUsage.TotalTime < until && Stopwatch.GetTimestamp() < deadline)
        {
            for (var i = 0; i < 10_000; i++)
            {
                x += Math.Sqrt(x + i);
            }
        }

        GC.KeepAlive(x);
    }

    private sealed class CpuCapture : BaseExporter<Metric>
    {
        public List<double> Seconds { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                if (metric.Name != "process.cpu.time")
                {
                    continue;
                }

                var total = 0.0;
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    total += point.GetSumDouble();
                }

                this.Seconds.Add(total);
            }

            return ExportResult.Success;
        }
    }
}
