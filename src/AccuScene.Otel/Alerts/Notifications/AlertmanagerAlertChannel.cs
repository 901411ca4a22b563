namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// Sends alerts to Alertmanager's v2 API (<c>POST /api/v2/alerts</c>) the way Prometheus does: every firing alert
/// again each <see cref="AlertmanagerChannelOptions.ResendInterval"/> with <c>endsAt = now + 3 × interval</c>, and
/// a resolved one with <c>endsAt</c> at its resolution, re-sent for <see cref="AlertmanagerChannelOptions.ResolvedResendFor"/>.
/// Each request carries every alert it knows (one per rule), so a failed request loses nothing: the next one
/// repeats it. Labels include <c>alertname</c> and <c>severity</c>.
/// </summary>
internal sealed class AlertmanagerAlertChannel : IAlertChannel, IDisposable
{
    /// <summary>The most alerts the channel holds; beyond it the oldest resolved ones go first.</summary>
    public const int MaxAlerts = 10_000;

    /// <summary>The most alerts in one request, as Prometheus's notifier batches them: with ordinary labels and annotations, well under a proxy's 1 MB limit.</summary>
    internal const int MaxAlertsPerRequest = 64;

    private readonly Dictionary<string, AlertInstance> _byRule = new(StringComparer.Ordinal);

    // When the channel first held each key's resolved alert, as a timestamp: ResolvedResendFor is a duration, so a
    // step of the wall clock must not let a resolution go early or keep it an hour.
    private readonly Dictionary<string, long> _resolvedSeen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly AlertHttp _http;
    private readonly Uri _endpoint;
    private readonly TimeSpan _resend;
    private readonly TimeSpan _keepResolved;
    private readonly TimeProvider _time;
    private long _superseded;

    /// <summary>Creates the channel.</summary>
    /// <param name="options">The URL and timings.</param>
    /// <param name="time">The clock. Default: the system clock.</param>
    /// <exception cref="ArgumentException">The URL is missing or not http(s).</exception>
    public AlertmanagerAlertChannel(AlertmanagerChannelOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.Url is { } u && OptionChecks.IsHttpUrl(u)
            ? u
            : throw new ArgumentException("The Alertmanager channel needs an absolute http or https Url.", nameof(options));
        _endpoint = new Uri(url, url.AbsolutePath.TrimEnd('/') + "/api/v2/alerts");
        _resend = options.ResendInterval;
        _keepResolved = options.ResolvedResendFor;
        _time = time ?? TimeProvider.System;
        _http = new AlertHttp(options.Timeout);
        this.Name = "alertmanager";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public TimeSpan? ResendInterval => _resend;

    /// <summary>Gets how many alerts were dropped because the channel held <see cref="MaxAlerts"/> (also counted as <c>dropped</c> on the delivery counter).</summary>
    public long Dropped { get; private set; }

    /// <inheritdoc/>
    public void Accept(AlertNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(notification.Alert);
        var alert = notification.Alert;
        lock (_gate)
        {
            // An edited rule relabels its firing alert. Alertmanager knows alerts by their labels, so the old set
            // would stay active until it expired: it is sent resolved, for ResolvedResendFor, beside the new one.
            if (_byRule.TryGetValue(alert.Rule, out var relabelled) && relabelled.Id == alert.Id
                && relabelled.ResolvedAt is null && alert.ResolvedAt is null && !SameLabels(relabelled, alert))
            {
                this.Hold($"{alert.Rule}\n{alert.Id}\n{++_superseded}", relabelled with { State = AlertState.Resolved, ResolvedAt = _time.GetUtcNow() });
            }

            // An edit undone, or the old labels firing again in a new alert: the resolved copy of a label set that
            // fires must not be sent beside it.
            if (_superseded > 0 && alert.ResolvedAt is null)
            {
                foreach (var key in _byRule.Where(p => p.Key.StartsWith(alert.Rule + "\n", StringComparison.Ordinal) && SameLabels(p.Value, alert)).Select(p => p.Key).ToList())
                {
                    this.LetGo(key);
                }
            }

            // The newest alert of a rule (the engine's order, not the wall clock's) replaces the one before
            // (Alertmanager keys alerts by their labels); a late firing notification never reopens its own resolved alert.
            if (!_byRule.TryGetValue(alert.Rule, out var known)
                || (known.Id == alert.Id ? !(known.ResolvedAt is not null && alert.ResolvedAt is null) : known.Sequence <= alert.Sequence))
            {
                this.Hold(alert.Rule, alert);
            }

            while (_byRule.Count > MaxAlerts)
            {
                var oldest = _byRule.OrderBy(p => p.Value.ResolvedAt is null).ThenBy(p => p.Value.Sequence).First().Key;
                this.LetGo(oldest);
                this.Dropped++;
                AlertDelivery.Count(this.Name, "dropped", 1);
            }
        }
    }

    /// <summary>
    /// Takes a firing alert as the engine has it now, before a resend (its value and annotations change while it
    /// fires). Only over the same alert, still firing, with the same labels: a copy read before a relabel or a
    /// resolution that the channel already holds changes nothing.
    /// </summary>
    /// <param name="alert">The alert, as the engine's <c>Active()</c> gives it.</param>
    internal void Refresh(AlertInstance alert)
    {
        lock (_gate)
        {
            if (_byRule.TryGetValue(alert.Rule, out var known) && known.Id == alert.Id
                && known.ResolvedAt is null && alert.ResolvedAt is null && SameLabels(known, alert))
            {
                _byRule[alert.Rule] = alert;
            }
        }
    }

    /// <summary>
    /// Sends every alert the channel holds (what <see cref="Accept"/> recorded; <paramref name="notifications"/> are
    /// already in it). After a successful request, resolved alerts older than <c>ResolvedResendFor</c> are let go.
    /// </summary>
    /// <param name="notifications">Ignored: the state comes from <see cref="Accept"/>.</param>
    /// <param name="cancellationToken">Cancelled at shutdown; each attempt is bounded by the channel's <c>Timeout</c>.</param>
    /// <returns>A task that completes when Alertmanager accepted the alerts.</returns>
    public async Task DeliverAsync(IReadOnlyList<AlertNotification> notifications, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        List<KeyValuePair<string, AlertInstance>> held;
        lock (_gate)
        {
            held = [.. _byRule];
        }

        var sent = held.ConvertAll(p => p.Value);

        if (sent.Count == 0)
        {
            return;
        }

        // In requests of at most 64: a failure part-way fails the delivery, and the retry sends the whole state again
        // (Alertmanager keys alerts by their labels, so the parts already sent are only refreshed).
        foreach (var chunk in sent.Chunk(MaxAlertsPerRequest))
        {
            var alerts = Array.ConvertAll(chunk, a => this.ToAlertmanager(a, now));
            await _http.PostAsync(_endpoint, AlertJson.Alertmanager(alerts), cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            foreach (var (key, done) in held.Where(p => p.Value.ResolvedAt is not null))
            {
                if (_byRule.TryGetValue(key, out var current) && ReferenceEquals(current, done)
                    && _resolvedSeen.TryGetValue(key, out var seen) && _time.GetElapsedTime(seen) >= _keepResolved)
                {
                    this.LetGo(key);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    /// <summary>What the next request would carry.</summary>
    internal List<AlertInstance> Held()
    {
        lock (_gate)
        {
            return [.. _byRule.Values];
        }
    }

    // Under _gate: holds an alert under a key, noting when a resolution was first held there.
    private void Hold(string key, AlertInstance alert)
    {
        var before = _byRule.GetValueOrDefault(key);
        _byRule[key] = alert;
        if (alert.ResolvedAt is null)
        {
            _resolvedSeen.Remove(key);
        }
        else if (before is null || before.Id != alert.Id || before.ResolvedAt is null)
        {
            _resolvedSeen[key] = _time.GetTimestamp();
        }
    }

    // Under _gate.
    private void LetGo(string key)
    {
        _byRule.Remove(key);
        _resolvedSeen.Remove(key);
    }

    // A firing alert ends 3 resend intervals from now, a resolved one when it resolved. After a step back of the wall
    // clock both ends are brought back to now: a resolution "in the future" would fire again in Alertmanager until
    // then, and Alertmanager drops an alert that ends before it starts and answers the request 400, so every request
    // would fail and no resolution would be let go.
    private AlertmanagerAlert ToAlertmanager(AlertInstance alert, DateTimeOffset now)
    {
        var endsAt = alert.ResolvedAt is { } resolved ? (resolved < now ? resolved : now) : now + (3 * _resend);
        var startsAt = alert.FiredAt ?? alert.PendingSince;
        var latestStart = endsAt < now ? endsAt : now;
        return new AlertmanagerAlert(alert.Labels, Annotations(alert), startsAt < latestStart ? startsAt : latestStart, endsAt, null);
    }

    private static bool SameLabels(AlertInstance a, AlertInstance b) => LabelSets.Equal(a.Labels, b.Labels);

    // The trace behind the value as annotations: they may change while the alert fires, labels may not.
    private static IReadOnlyDictionary<string, string> Annotations(AlertInstance alert)
    {
        if (alert.Exemplar is not { } exemplar)
        {
            return alert.Annotations;
        }

        return new Dictionary<string, string>(alert.Annotations, StringComparer.Ordinal)
        {
            ["trace_id"] = exemplar.TraceId,
            ["span_id"] = exemplar.SpanId,
        };
    }
}
