using System.Diagnostics.Metrics;
using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Metrics.Percentiles;

/// <content>The listener's side: which instruments get a sketch, each measurement into it, and release with the meter.</content>
public sealed partial class AccuScenePercentiles
{
    // Runs inside the app's Histogram.Record: a tag value whose ToString() throws (or any other fault) costs
    // the sketch that one measurement, counted, and never reaches the caller.
    private static void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var (owner, series) = ((AccuScenePercentiles, InstrumentSeries))state!;
        if (!double.IsFinite(value))
        {
            owner.CountNonFinite();
            return;
        }

        try
        {
            series.Record(value, tags);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed(nameof(AccuScenePercentiles), "record", ex);
        }
    }

    private void CountNonFinite()
    {
        Interlocked.Increment(ref _nonFinite);
        AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.PercentilesNonFinite, 1);
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument is not (Histogram<double> or Histogram<float> or Histogram<long> or Histogram<int> or Histogram<short> or Histogram<byte>)
            || !this.Covers(instrument.Meter.Name, instrument.Name)
            || !(this.AnyScope || instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, _scope))
            || instrument.Meter.Scope is Diagnostics.PrivateMeterFactory)
        {
            return;
        }

        InstrumentSeries? series = null;
        lock (_gate)
        {
            if (_instruments.Count < MaxInstruments)
            {
                series = new InstrumentSeries(instrument.Meter.Name, instrument.Name, instrument.Unit, _mapping, MaxSeriesPerInstrument);
                _instruments.Add(series);
            }
        }

        if (series is null)
        {
            // Counted (outside the lock: a counter runs listeners) and left to OpenTelemetry's buckets, whose
            // percentiles say "buckets" as their source.
            Interlocked.Increment(ref _droppedInstruments);
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.PercentilesInstrumentsDropped, 1);
            return;
        }

        listener.EnableMeasurementEvents(instrument, (this, series));
    }

    // The meter is gone: the instrument's series go with it. When the listener itself is disposed, they stay.
    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (!_disposing && state is (AccuScenePercentiles, InstrumentSeries series))
        {
            lock (_gate)
            {
                _instruments.Remove(series);
            }

            // A thread's remembered lookup keeps the one sketch it last used (and names the instrument by id only)
            // until that thread records to an instrument that shares its slot.
            series.Release();
        }
    }
}
