using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Whether no observable instrument of a name exists, in any meter: a synchronous instrument's cumulative state begins
/// at zero with its first measurement, while an observable one reports whatever its callback holds (a total since the
/// process, or the database, began). An instrument not found (its meter disposed since its last measurement, or a
/// view that renamed its stream) is taken for synchronous. Asked once per rule sample, so a short-lived listener is
/// enough.
/// </summary>
internal static class SynchronousInstruments
{
    public static bool All(string instrumentName)
    {
        var observable = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.IsObservable && string.Equals(instrument.Name, instrumentName, StringComparison.OrdinalIgnoreCase))
                {
                    Interlocked.Increment(ref observable);
                }
            },
        };
        listener.Start();
        return Volatile.Read(ref observable) == 0;
    }
}
