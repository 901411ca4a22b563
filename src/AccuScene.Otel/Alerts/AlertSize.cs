namespace AccuScene.Otel.Alerts;

/// <summary>
/// The bytes an alert holds, estimated: its text at two bytes a character, plus its objects. The stores of alerts
/// (the history, each channel's queue) are bounded by it as well as by count, since a rule's annotations alone may
/// hold 32 texts of 4,096 characters.
/// </summary>
internal static class AlertSize
{
    // The instance, its two dictionaries and its small objects; then each dictionary entry.
    private const int FixedBytes = 512;
    private const int EntryBytes = 48;

    /// <summary>Returns the estimated bytes <paramref name="alert"/> holds.</summary>
    public static long Of(AlertInstance alert)
    {
        long chars = alert.Id.Length + alert.Rule.Length + (alert.PercentileSource?.Length ?? 0);
        long entries = 0;
        foreach (var (key, value) in alert.Labels)
        {
            chars += key.Length + value.Length;
            entries++;
        }

        foreach (var (key, value) in alert.Annotations)
        {
            chars += key.Length + value.Length;
            entries++;
        }

        if (alert.Acknowledgement is { } ack)
        {
            chars += ack.By.Length + (ack.Comment?.Length ?? 0);
        }

        if (alert.Exemplar is { } exemplar)
        {
            chars += exemplar.TraceId.Length + exemplar.SpanId.Length;
        }

        return FixedBytes + (entries * EntryBytes) + (2 * chars);
    }
}
