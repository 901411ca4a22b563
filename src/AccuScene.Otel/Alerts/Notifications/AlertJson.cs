using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>JSON of alerts: the <c>/alerts</c> document, webhook payloads and Alertmanager's v2 alerts, by source generation.</summary>
internal static class AlertJson
{
    /// <summary>Writes the active alerts, the recent history and the statistics.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="output">The stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is written.</returns>
    public static Task WriteAsync(AccuSceneAlertEngine engine, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(output);
        return JsonSerializer.SerializeAsync(output, Document(engine), AlertJsonContext.Default.AlertsDocument, cancellationToken);
    }

    /// <summary>Serialises the active alerts, the recent history and the statistics.</summary>
    /// <param name="engine">The engine.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(AccuSceneAlertEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return JsonSerializer.Serialize(Document(engine), AlertJsonContext.Indented.AlertsDocument);
    }

    internal static byte[] Webhook(IReadOnlyList<AlertNotification> notifications, string source) =>
        JsonSerializer.SerializeToUtf8Bytes(new WebhookDocument(source, [.. notifications.Select(n => Alert(n.Alert, n.State, n.Repeat))]), AlertJsonContext.Default.WebhookDocument);

    /// <summary>The most characters of one Slack message's text: Slack asks for under 4,000 and cuts at 40,000, still answering 200.</summary>
    internal const int SlackTextLimit = 3900;

    /// <summary>
    /// The Slack messages for <paramref name="notifications"/>, a line each, as many lines to a message as fit in
    /// <see cref="SlackTextLimit"/>; a longer line is cut (ending in "…"), so nothing Slack would cut is counted delivered.
    /// </summary>
    internal static IReadOnlyList<byte[]> Slack(IReadOnlyList<AlertNotification> notifications, string source)
    {
        var messages = new List<byte[]>();
        var text = new System.Text.StringBuilder();
        foreach (var line in SlackLines(notifications, source))
        {
            if (text.Length > 0 && text.Length + 1 + line.Length > SlackTextLimit)
            {
                messages.Add(JsonSerializer.SerializeToUtf8Bytes(new SlackMessage(text.ToString()), AlertJsonContext.Default.SlackMessage));
                text.Clear();
            }

            text.Append(text.Length > 0 ? "\n" : string.Empty).Append(line);
        }

        if (text.Length > 0)
        {
            messages.Add(JsonSerializer.SerializeToUtf8Bytes(new SlackMessage(text.ToString()), AlertJsonContext.Default.SlackMessage));
        }

        return messages;
    }

    private static IEnumerable<string> SlackLines(IReadOnlyList<AlertNotification> notifications, string source) =>
        notifications.Select(n =>
        {
            var a = n.Alert;
            var summary = a.Annotations.TryGetValue("summary", out var s) ? s : string.Create(CultureInfo.InvariantCulture, $"value {a.Value:G6}");
            var state = n.State == AlertState.Resolved ? "RESOLVED" : n.Repeat ? "STILL FIRING" : "FIRING";
            var trace = a.Exemplar is { } e ? $" (trace {e.TraceId})" : string.Empty;
            return SlackLine(SlackText($"[{state}] {a.Rule} ({a.Labels.GetValueOrDefault("severity")}) on {source}: {summary}{trace}"));
        });

    // A line over the limit is cut, neither inside an escape (&amp;) nor between the halves of a surrogate pair.
    private static string SlackLine(string line)
    {
        if (line.Length <= SlackTextLimit)
        {
            return line;
        }

        var cut = SlackTextLimit - 1;
        var entity = line.LastIndexOf('&', cut - 1, 5);
        if (entity >= 0 && line.IndexOf(';', entity) >= cut)
        {
            cut = entity;
        }

        if (char.IsHighSurrogate(line[cut - 1]))
        {
            cut--;
        }

        return string.Concat(line.AsSpan(0, cut), "…");
    }

    // Slack reads &, < and > as markup (<!channel> pings everyone); its docs ask for these three to be escaped.
    private static string SlackText(string text) =>
        text.AsSpan().IndexOfAny('&', '<', '>') < 0 ? text : text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    internal static byte[] Alertmanager(IReadOnlyList<AlertmanagerAlert> alerts) =>
        JsonSerializer.SerializeToUtf8Bytes(alerts, AlertJsonContext.Default.IReadOnlyListAlertmanagerAlert);

    private static AlertsDocument Document(AccuSceneAlertEngine engine)
    {
        var statistics = engine.Statistics();
        return new AlertsDocument(
            [.. engine.Active().Select(a => Alert(a, a.State, false))],
            [.. engine.History().Select(a => Alert(a, a.State, false))],
            new AlertStatisticsDocument(
                statistics.BySeverity.ToDictionary(p => p.Key.ToString().ToLowerInvariant(), p => p.Value, StringComparer.Ordinal),
                statistics.ByState.ToDictionary(p => p.Key.ToString().ToLowerInvariant(), p => p.Value, StringComparer.Ordinal),
                statistics.Notifications,
                statistics.SuppressedByCooldown,
                statistics.MeanTimeToAcknowledge?.TotalSeconds,
                statistics.MeanTimeToResolve?.TotalSeconds,
                statistics.LongestFiring?.TotalSeconds,
                statistics.HistoryDropped));
    }

    private static AlertDocument Alert(AlertInstance a, AlertState state, bool repeat) => new(
        a.Id,
        a.Rule,
        state.ToString().ToLowerInvariant(),
        a.Severity.ToString().ToLowerInvariant(),
        repeat,
        double.IsFinite(a.Value) ? a.Value : null,
        a.ValueAtFiring is { } fired && double.IsFinite(fired) ? fired : null,
        a.PendingSince,
        a.FiredAt,
        a.ResolvedAt,
        a.Acknowledgement is { } ack ? new AcknowledgementDocument(ack.By, ack.At, ack.Comment) : null,
        a.Labels,
        a.Annotations,
        a.Exemplar is { } e ? new ExemplarDocument(e.TraceId, e.SpanId, double.IsFinite(e.Value) ? e.Value : null, e.Timestamp) : null,
        a.PercentileSource,
        a.PercentileRelativeError);
}

internal sealed record AlertsDocument(IReadOnlyList<AlertDocument> Active, IReadOnlyList<AlertDocument> Recent, AlertStatisticsDocument Statistics);

internal sealed record AlertDocument(
    string Id,
    string Rule,
    string State,
    string Severity,
    bool Repeat,
    double? Value,
    double? ValueAtFiring,
    DateTimeOffset PendingSince,
    DateTimeOffset? FiredAt,
    DateTimeOffset? ResolvedAt,
    AcknowledgementDocument? Acknowledgement,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    ExemplarDocument? Exemplar,
    string? PercentileSource,
    double? PercentileRelativeError);

internal sealed record ExemplarDocument(string TraceId, string SpanId, double? Value, DateTimeOffset Timestamp);

internal sealed record AcknowledgementDocument(string By, DateTimeOffset At, string? Comment);

internal sealed record AlertStatisticsDocument(
    IReadOnlyDictionary<string, int> BySeverity,
    IReadOnlyDictionary<string, int> ByState,
    long Notifications,
    long SuppressedByCooldown,
    double? MeanSecondsToAcknowledge,
    double? MeanSecondsToResolve,
    double? LongestFiringSeconds,
    long HistoryDropped);

internal sealed record WebhookDocument(string Source, IReadOnlyList<AlertDocument> Alerts);

internal sealed record SlackMessage(string Text);

/// <summary>One alert of Alertmanager's <c>POST /api/v2/alerts</c> (camelCase names, as its API defines them).</summary>
internal sealed record AlertmanagerAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string? GeneratorUrl);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertsDocument))]
[JsonSerializable(typeof(WebhookDocument))]
[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(IReadOnlyList<AlertmanagerAlert>))]
internal sealed partial class AlertJsonContext : JsonSerializerContext
{
    private static AlertJsonContext? _indented;

    public static AlertJsonContext Indented =>
        _indented ??= new AlertJsonContext(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
