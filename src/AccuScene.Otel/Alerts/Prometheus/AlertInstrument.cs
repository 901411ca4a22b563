using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>How an instrument reaches Prometheus.</summary>
public enum AlertInstrumentKind
{
    /// <summary>A monotonic counter: <c>name_total</c>.</summary>
    Counter,

    /// <summary>An up-down counter: a gauge holding the sum.</summary>
    UpDownCounter,

    /// <summary>A gauge.</summary>
    Gauge,

    /// <summary>A histogram: <c>name_bucket</c>, <c>name_sum</c>, <c>name_count</c>.</summary>
    Histogram,
}

/// <summary>An instrument a rule may read: its name, unit and kind decide its Prometheus name.</summary>
/// <param name="Name">The instrument name.</param>
/// <param name="Unit">The UCUM unit, or <see langword="null"/>.</param>
/// <param name="Kind">The kind.</param>
public sealed record AlertInstrument(string Name, string? Unit, AlertInstrumentKind Kind)
{
    /// <summary>The instruments published in this process now (every <see cref="Meter"/>'s), read through a <see cref="MeterListener"/>.</summary>
    /// <returns>One entry per instrument name; the first wins.</returns>
    public static IReadOnlyList<AlertInstrument> Published()
    {
        var found = new Dictionary<string, AlertInstrument>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (KindOf(instrument) is { } kind)
                {
                    found.TryAdd(instrument.Name, new AlertInstrument(instrument.Name, instrument.Unit, kind));
                }
            },
        };
        listener.Start();
        return [.. found.Values];
    }

    private static AlertInstrumentKind? KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition switch
        {
            _ when definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) => AlertInstrumentKind.Counter,
            _ when definition == typeof(UpDownCounter<>) || definition == typeof(ObservableUpDownCounter<>) => AlertInstrumentKind.UpDownCounter,
            _ when definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>) => AlertInstrumentKind.Gauge,
            _ when definition == typeof(Histogram<>) => AlertInstrumentKind.Histogram,
            _ => null,
        };
    }
}
