using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Whether the instruments of a name in a meter are all synchronous: a synchronous instrument's cumulative state
/// begins at zero with its first measurement, while an observable one reports whatever its callback holds (a total
/// since the process, or the database, began). Asked once per rule sample, so a short-lived listener is enough.
/// </summary>
internal static class SynchronousInstruments
{
    public static bool All(string meterName, string instrumentName)
    {
        var found = 0;
        var observable = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (string.Equals(instrument.Meter.Name, meterName, StringComparison.Ordinal)
                    && string.Equals(instrument.Name, instrumentName, StringComparison.OrdinalIgnoreCase))
                {
                    found++;
                    observable += instrument.IsObservable ? 1 : 0;
                }
            },
        };
        listener.Start();
        return found > 0 && observable == 0;
    }
}
