using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Dashboard;

/// <summary>
/// Metrics and table rows missing from a sample (gaps on screen, forgotten when missing long enough), and what the
/// dashboard could not keep (counted, and shown on the page).
/// </summary>
internal sealed partial class AccuSceneDashboard
{
    /// <summary>How long a metric (other than a widget's) or a table row may be missing before its place is freed.</summary>
    internal static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(5);

    private readonly List<string> _forgotten = [];
    private long _droppedMetrics;
    private long _droppedRows;
    private long _droppedValues;

    // OpenTelemetry leaves a metric without points out of the batch (its meter went, or an observable callback
    // reported nothing), and a series out of its metric: what is missing shows as a gap, not as its last value, and
    // when it comes back its first sample is a baseline again. A metric outside the widgets or a row missing for
    // ForgetAfter gives its place (of MaxMetrics, MaxTableRows) to a live one.
    private void CompleteMissing(DateTimeOffset now, double seconds, long sample)
    {
        var forgetAfter = (long)Math.Ceiling(ForgetAfter / TimeSpan.FromMilliseconds(_options.SampleIntervalMilliseconds));
        _forgotten.Clear();
        foreach (var (name, aggregate) in _metrics)
        {
            if (aggregate.LastSeen == sample)
            {
                continue;
            }

            aggregate.Miss(now);
            foreach (var table in _tables.GetValueOrDefault(name) ?? [])
            {
                table.Begin();
                table.Complete(seconds, aggregate.Kind);
            }

            if (!_widgetMetrics.Contains(name) && sample - aggregate.LastSeen >= forgetAfter)
            {
                _forgotten.Add(name);
            }
        }

        foreach (var name in _forgotten)
        {
            _metrics.Remove(name);
        }

        foreach (var tables in _tables.Values)
        {
            foreach (var table in tables)
            {
                table.Forget(forgetAfter);
            }
        }
    }

    private void CountDrops(long metrics, long rows, long values)
    {
        _droppedMetrics += metrics;
        _droppedRows += rows;
        _droppedValues += values;
        foreach (var (count, what) in (ReadOnlySpan<(long, string)>)[(metrics, "metric"), (rows, "row"), (values, "value")])
        {
            if (count > 0)
            {
                // A listener that throws must not fail the sample (it would lose every rate): the count is left unsaid.
                AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.DashboardDrops, count, new KeyValuePair<string, object?>("what", what));
            }
        }
    }
}
