using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>A <see cref="CacheMetrics"/> on a factory's meter: the factory keeps the meter, and so the set's gauge, after the set is disposed.</summary>
public class CacheMetricsFactoryTests
{
    [Test]
    public void ADisposedSetOnAFactorysMeter_ReportsNoHitRatio_SoOnlyTheLiveSetsCounts()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var stale = new CacheMetrics(factory);
        stale.Hit("scenes");
        stale.Dispose();
        using var live = new CacheMetrics(factory);
        live.Miss("scenes");

        var reported = new List<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, live.Meter) && instrument.Name == "accuscene.cache.hit_ratio")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (tags.ToArray().Contains(new(AccuSceneAttributes.CacheName, "scenes")))
            {
                reported.Add(value);
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.That(reported, Is.EqualTo(new[] { 0.0 }), "the live set's ratio only; the disposed one's 1.0 used to contend for the series");
    }
}
