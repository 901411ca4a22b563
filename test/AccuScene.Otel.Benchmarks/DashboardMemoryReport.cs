using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using AccuScene.Otel.Dashboard;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// P6's memory figure: what the dashboard keeps for 10,000 series (5,000 counter and 5,000 histogram series,
/// charted, and grouped by their series tag in a table) once its rings are full — 24 hours of samples on a fake
/// clock — measured as the managed heap retained by the dashboard (a provider without it is the baseline), beside
/// the rings' own size. A memory figure, not a timing, so it prints a table instead of running BenchmarkDotNet.
/// </summary>
internal static class DashboardMemoryReport
{
    private const int SeriesPerInstrument = 5_000;

    public static void Run()
    {
        _ = Measure(withDashboard: false, out _); // warm-up: JIT and static state are not the dashboard's
        var without = Measure(withDashboard: false, out _);
        var with = Measure(withDashboard: true, out var dashboard);
        Console.WriteLine("| Series | Samples | History rings | Heap retained by the dashboard | Table rows |");
        Console.WriteLine("|-------:|--------:|--------------:|-------------------------------:|-----------:|");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {2 * SeriesPerInstrument:N0} | {dashboard!.Samples:N0} | {dashboard.HistoryBytes / 1024.0:N0} KiB | {(with - without) / 1024.0:N0} KiB | {dashboard.GetModel().Tables.Sum(t => t.Rows.Count)} |"));
    }

    private static long Measure(bool withDashboard, out AccuSceneDashboard? dashboard)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        var options = new AccuSceneOptions().Dashboard;
        var chart = new DashboardWidget { Title = "bench", Type = DashboardWidgetType.Line };
        chart.Series.Add(new DashboardSeries { Metric = "bench.requests", Stat = DashboardStat.Rate });
        chart.Series.Add(new DashboardSeries { Metric = "bench.latency", Stat = DashboardStat.P95 });
        var table = new DashboardWidget { Title = "by series", Type = DashboardWidgetType.Table, GroupBy = "series" };
        table.Series.Add(new DashboardSeries { Metric = "bench.requests", Stat = DashboardStat.Rate });
        options.Widgets.AddRange([chart, table]);
        dashboard = withDashboard ? new AccuSceneDashboard(options, "bench", time) : null;
        using var meter = new Meter("Bench.DashboardMemory");
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddView("bench.*", new MetricStreamConfiguration { CardinalityLimit = 2 * SeriesPerInstrument });
        var reader = dashboard is null
            ? new BaseExportingMetricReader(new NoopMetricExporter()) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative }
            : AlertEvaluationBenchmarks.Dashboard(dashboard);
        using var provider = builder.AddReader(reader).Build()!;
        var counter = meter.CreateCounter<long>("bench.requests", "{request}");
        var histogram = meter.CreateHistogram<double>("bench.latency", "s");
        var tags = Enumerable.Range(0, SeriesPerInstrument).Select(i => new TagList { { "series", i } }).ToArray();

        // 24 hours at one sample a minute fill the 1 min ring; the 1 s and 10 s rings fill on the way.
        for (var sample = 0; sample < 24 * 60 + 300; sample++)
        {
            if (sample % 60 == 0)
            {
                for (var i = 0; i < SeriesPerInstrument; i++)
                {
                    counter.Add(1, tags[i]);
                    histogram.Record(i * 1e-4, tags[i]);
                }
            }

            time.Advance(sample < 300 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1));
            provider.ForceFlush();
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(dashboard);
        GC.KeepAlive(provider);
        return retained;
    }
}

/// <summary>A metric exporter that drops everything: the baseline pipeline without the dashboard.</summary>
internal sealed class NoopMetricExporter : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
}
