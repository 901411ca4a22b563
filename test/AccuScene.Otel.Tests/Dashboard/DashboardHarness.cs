using System.Diagnostics.Metrics;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Dashboard.Sources;
using AccuScene.Otel.Events;
using AccuScene.Otel.Metrics.Percentiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Dashboard;

/// <summary>
/// A dashboard fed by a real OpenTelemetry meter provider, on a fake clock: each <see cref="Sample"/> moves the
/// clock by the sample interval and collects once, as the periodic reader would.
/// </summary>
internal sealed class DashboardHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private readonly MeterProvider _provider;
    private readonly ServiceProvider _services;

    public DashboardHarness(string meterName, Action<AccuSceneDashboardOptions>? configure = null, int cardinality = 2000, string? otherMeter = null, double[]? boundaries = null)
    {
        var options = new AccuSceneDashboardOptions();
        configure?.Invoke(options);
        this.Time = new FakeTimeProvider(Start);
        _services = new ServiceCollection()
            .AddSingleton(_ => new AccuScenePercentiles())
            .AddSingleton(_ => new AccuSceneEventStore(new AccuSceneEventsOptions { MaxEvents = 100 }))
            .AddSingleton<IDashboardEventsSource>(sp => new EventsDashboardSource(sp.GetRequiredService<AccuSceneEventStore>()))
            .BuildServiceProvider();
        _ = _services.GetRequiredService<AccuScenePercentiles>();
        this.Dashboard = new AccuSceneDashboard(options, "dashboard-tests", this.Time, _services);
        this.Meter = new Meter(meterName);
        this.OtherMeter = otherMeter is null ? null : new Meter(otherMeter);
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddMeter(otherMeter ?? meterName)
            .AddView("*", boundaries is null
                ? new MetricStreamConfiguration { CardinalityLimit = cardinality }
                : new ExplicitBucketHistogramConfiguration { Boundaries = boundaries, CardinalityLimit = cardinality })
            .SetExemplarFilter(ExemplarFilterType.TraceBased) // as AddAccuScene() sets it
            .AddReader(new BaseExportingMetricReader(this.Dashboard.CreateExporter()) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative })
            .Build()!;
    }

    public FakeTimeProvider Time { get; }

    public AccuSceneDashboard Dashboard { get; }

    public Meter Meter { get; }

    public Meter? OtherMeter { get; }

    public AccuSceneEventStore Events => _services.GetRequiredService<AccuSceneEventStore>();

    public void Sample(TimeSpan? step = null)
    {
        this.Time.Advance(step ?? TimeSpan.FromSeconds(1));
        Assert.That(_provider.ForceFlush(), Is.True);
    }

    public DashboardMetric Metric(string name, DashboardRange range = DashboardRange.FiveMinutes)
    {
        var s = this.Dashboard.GetModel(range).Sections;
        return new[] { s.System, s.Simulation, s.Database, s.Cache, s.Api, s.Other }.SelectMany(x => x.Metrics).Concat(s.Health.Metrics).Single(m => m.Name == name);
    }

    public void Dispose()
    {
        _provider.Dispose();
        this.Meter.Dispose();
        this.OtherMeter?.Dispose();
        _services.Dispose();
    }
}
