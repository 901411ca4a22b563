using System.Globalization;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Evaluates alerting rules over the values it is given (<see cref="Check"/>, or the metric exporter that feeds
/// it from the OpenTelemetry pipeline) and walks each alert through inactive → pending → firing → resolved,
/// honouring <c>for</c>, <c>keep_firing_for</c> and the cooldown. It raises <see cref="Notification"/> when an
/// alert fires or resolves; channels deliver them. Thread-safe: one lock per rule, so many threads feeding one
/// rule never produce two notifications inside its cooldown. Runs on <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class AccuSceneAlertEngine
{
    private readonly Lock _rulesGate = new();
    private readonly LinkedList<AlertInstance> _history = new();
    private readonly Lock _historyGate = new();
    private readonly TimeProvider _time;
    private readonly int _historySize;
    private long _sequence;
    private long _notifications;
    private long _suppressed;
    private long _historyDropped;
    private volatile RuleSet _rules = RuleSet.Empty;

    /// <summary>Creates an engine for <paramref name="rules"/>.</summary>
    /// <param name="rules">The rules; each is validated.</param>
    /// <param name="time">The clock. Default: the system clock.</param>
    /// <param name="historySize">How many resolved alerts are kept, 1 to 100000. Default 500.</param>
    /// <exception cref="ArgumentException">A rule is invalid; the message names the rule and the setting.</exception>
    public AccuSceneAlertEngine(IEnumerable<AlertRule> rules, TimeProvider? time = null, int historySize = 500)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(historySize, 100_000);
        _time = time ?? TimeProvider.System;
        _historySize = historySize;
        _rules = RuleSet.Create(rules, RuleSet.Empty, out var failure) ?? throw new ArgumentException(failure, nameof(rules));
    }

    /// <summary>
    /// Raised when an alert fires or resolves, and again once per cooldown while it fires unacknowledged, after the
    /// engine's locks are released.
    /// </summary>
    public event EventHandler<AlertNotification>? Notification;

    /// <summary>Gets the rules.</summary>
    public IReadOnlyList<AlertRule> Rules => [.. _rules.Slots.Select(s => s.Evaluator.Rule)];

    /// <summary>Gets a number that changes whenever the rules are replaced, added or removed.</summary>
    internal int RulesVersion => _rules.Version;

    /// <summary>
    /// Gets the labels that tell this process apart in a fleet (<c>job</c> and <c>instance</c>, from
    /// <c>service.name</c> and <c>service.instance.id</c>); added to every alert unless its rule sets them.
    /// </summary>
    internal IReadOnlyDictionary<string, string> IdentityLabels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the engine's clock.</summary>
    internal TimeProvider Time => _time;

    /// <summary>Gets the metrics the rules read.</summary>
    public IReadOnlyCollection<string> Metrics => _rules.ByMetric.Keys;

    /// <summary>
    /// Replaces the rules at run time. A rule whose name and settings are unchanged keeps its state (samples,
    /// pending or firing alert); a removed rule's alert is resolved, and announced as resolved if its firing was.
    /// </summary>
    /// <param name="rules">The new rules; each is validated, and nothing changes when one is invalid.</param>
    /// <exception cref="ArgumentException">A rule is invalid; the message names the rule and the setting.</exception>
    public void ReplaceRules(IEnumerable<AlertRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (this.Swap(_ => rules) is { } failure)
        {
            throw new ArgumentException(failure, nameof(rules));
        }
    }

    /// <summary>Adds a rule at run time.</summary>
    /// <param name="rule">The rule, validated here.</param>
    /// <exception cref="ArgumentException">The rule is invalid, or a rule of that name exists.</exception>
    public void AddRule(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (this.Swap(current => [.. current, rule]) is { } failure)
        {
            throw new ArgumentException(failure, nameof(rule));
        }
    }

    /// <summary>Removes the rule named <paramref name="name"/> at run time; its alert is resolved.</summary>
    /// <param name="name">The rule's name.</param>
    /// <returns><see langword="true"/> when a rule of that name was removed.</returns>
    public bool RemoveRule(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var removed = false;
        _ = this.Swap(current =>
        {
            removed = current.Any(r => r.Name == name);
            return current.Where(r => r.Name != name);
        });
        return removed;
    }

    /// <summary>Returns why <paramref name="rule"/> is invalid, or <see langword="null"/>.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>A message naming the rule and the setting, or <see langword="null"/>.</returns>
    public static string? Validate(AlertRule rule)
    {
        if (rule is null)
        {
            return "An alert rule is null.";
        }

        var name = string.IsNullOrWhiteSpace(rule.Name) ? "(unnamed)" : rule.Name;
        return rule switch
        {
            { Name: var n } when string.IsNullOrWhiteSpace(n) => "An alert rule needs a Name.",
            { Metric: var m } when string.IsNullOrWhiteSpace(m) => $"Alert rule '{name}' needs a Metric.",
            { Window: var w } when w <= TimeSpan.Zero || w > TimeSpan.FromDays(1) => $"Alert rule '{name}': Window must be between 00:00:00 (exclusive) and 1.00:00:00; it is {w}.",
            { Quantile: var q } when !(q >= 0 && q <= 1) => string.Create(CultureInfo.InvariantCulture, $"Alert rule '{name}': Quantile must be between 0 and 1; it is {q}."),
            { For: var f } when f < TimeSpan.Zero => $"Alert rule '{name}': For must not be negative; it is {f}.",
            { KeepFiringFor: var k } when k < TimeSpan.Zero => $"Alert rule '{name}': KeepFiringFor must not be negative; it is {k}.",
            { Cooldown: var c } when c < TimeSpan.Zero => $"Alert rule '{name}': Cooldown must not be negative; it is {c}.",
            { Threshold: var t } when !double.IsFinite(t) => $"Alert rule '{name}': Threshold must be a finite number.",
            { Kind: AlertThresholdKind.Between or AlertThresholdKind.Outside, UpperThreshold: null } => $"Alert rule '{name}': {rule.Kind} needs an UpperThreshold.",
            { Kind: AlertThresholdKind.Between or AlertThresholdKind.Outside, UpperThreshold: { } u } when !(u >= rule.Threshold) =>
                string.Create(CultureInfo.InvariantCulture, $"Alert rule '{name}': UpperThreshold must be at least Threshold ({rule.Threshold}); it is {u}."),
            { Kind: AlertThresholdKind.PercentageChange, Aggregation: AlertAggregation.Percentile } =>
                $"Alert rule '{name}': PercentageChange cannot compare percentiles; use Average, Sum, Rate or LastValue.",
            _ when !Enum.IsDefined(rule.Scope) => $"Alert rule '{name}': Scope must be Instance or Fleet; it is {(int)rule.Scope}.",
            { Kind: AlertThresholdKind.PercentageChange or AlertThresholdKind.RateLimit, Threshold: < 0 } => $"Alert rule '{name}': {rule.Kind} needs a Threshold of 0 or more.",
            { Kind: AlertThresholdKind.RateLimit, Threshold: >= RuleEvaluator.MaxSamples } =>
                string.Create(CultureInfo.InvariantCulture, $"Alert rule '{name}': a RateLimit Threshold must be below {RuleEvaluator.MaxSamples}, the samples a rule keeps; it is {rule.Threshold}."),
            _ => null,
        };
    }

    /// <summary>Feeds one value of <paramref name="metric"/> to the rules that read it, and evaluates them.</summary>
    /// <param name="metric">The metric's name.</param>
    /// <param name="value">The value; NaN and infinities are ignored.</param>
    /// <param name="tags">The value's tags, matched against each rule's tag filter.</param>
    public void Check(string metric, double value, IReadOnlyDictionary<string, string>? tags = null)
    {
        if (metric is null || !_rules.ByMetric.TryGetValue(metric, out var slots))
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var slot in slots)
        {
            if (!Matches(slot.Evaluator.Rule, tags))
            {
                continue;
            }

            AlertNotification? notification;
            lock (slot.Gate)
            {
                slot.Evaluator.Add(now, value);
                notification = this.Step(slot, now);
            }

            this.Raise(notification);
        }
    }

    /// <summary>Gives the rule named <paramref name="rule"/> a percentile computed elsewhere (the in-process sketch), and evaluates it.</summary>
    /// <param name="rule">The rule's name.</param>
    /// <param name="value">The percentile's value.</param>
    /// <param name="source"><c>sketch</c> or <c>buckets</c>; <see langword="null"/> when there is no value.</param>
    /// <param name="relativeError">The sketch's relative error bound, or <see langword="null"/> for buckets.</param>
    internal void CheckPrecomputed(string rule, double value, string? source, double? relativeError)
    {
        if (_rules.ByName.TryGetValue(rule, out var slot))
        {
            lock (slot.Gate)
            {
                (slot.PercentileSource, slot.PercentileRelativeError) = (source, relativeError);
            }
        }

        this.Feed(rule, (evaluator, now) => evaluator.AddPrecomputed(now, value));
    }

    /// <summary>Gives the rule named <paramref name="rule"/> one sample standing for <paramref name="weight"/> events, and evaluates it.</summary>
    /// <param name="rule">The rule's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="weight">How many events the value stands for (its mean, for a histogram).</param>
    internal void CheckRule(string rule, double value, double weight) => this.Feed(rule, (evaluator, now) => evaluator.Add(now, value, weight));

    /// <summary>Keeps <paramref name="exemplar"/> as the trace behind the rule's latest value; its alert carries it.</summary>
    /// <param name="rule">The rule's name.</param>
    /// <param name="exemplar">The exemplar.</param>
    internal void NoteExemplar(string rule, AlertExemplar exemplar)
    {
        if (_rules.ByName.TryGetValue(rule, out var slot))
        {
            lock (slot.Gate)
            {
                slot.Exemplar = exemplar;
            }
        }
    }

    /// <summary>Evaluates every rule now: moves alerts on with time (<c>for</c>, <c>keep_firing_for</c>, windows).</summary>
    public void Evaluate()
    {
        var now = _time.GetUtcNow();
        foreach (var slot in _rules.Slots)
        {
            AlertNotification? notification;
            lock (slot.Gate)
            {
                notification = this.Step(slot, now);
            }

            this.Raise(notification);
        }
    }

    private void Feed(string rule, Action<RuleEvaluator, DateTimeOffset> add)
    {
        if (!_rules.ByName.TryGetValue(rule, out var slot))
        {
            return;
        }

        AlertNotification? notification;
        var now = _time.GetUtcNow();
        lock (slot.Gate)
        {
            add(slot.Evaluator, now);
            notification = this.Step(slot, now);
        }

        this.Raise(notification);
    }

    /// <summary>The pending and firing alerts.</summary>
    /// <returns>One per rule at most.</returns>
    public IReadOnlyList<AlertInstance> Active()
    {
        var active = new List<AlertInstance>();
        foreach (var slot in _rules.Slots)
        {
            lock (slot.Gate)
            {
                if (slot.Current is { } current)
                {
                    active.Add(current);
                }
            }
        }

        return active;
    }

    /// <summary>The resolved alerts kept, newest first.</summary>
    /// <returns>At most the history size.</returns>
    public IReadOnlyList<AlertInstance> History()
    {
        lock (_historyGate)
        {
            return [.. _history];
        }
    }

    /// <summary>Acknowledges an active alert.</summary>
    /// <param name="id">The alert's id.</param>
    /// <param name="by">Who.</param>
    /// <param name="comment">Why, or what is being done.</param>
    /// <returns><see langword="true"/> when an active alert with that id was acknowledged.</returns>
    public bool Acknowledge(string id, string by, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        foreach (var slot in _rules.Slots)
        {
            lock (slot.Gate)
            {
                if (slot.Current is { } current && current.Id == id)
                {
                    slot.Current = current with { Acknowledgement = new AlertAcknowledgement(by, _time.GetUtcNow(), comment) };
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Counts and durations over the active alerts and the history.</summary>
    /// <returns>The statistics.</returns>
    public AlertStatistics Statistics()
    {
        // Each rule has at most one active alert: the rules without one are the inactive ones, from the same snapshot.
        var active = this.Active();
        var all = active.Concat(this.History()).ToList();
        var acknowledged = all.Where(a => a is { Acknowledgement: not null, FiredAt: not null }).Select(a => a.Acknowledgement!.At - a.FiredAt!.Value).ToList();
        var resolved = all.Where(a => a is { ResolvedAt: not null, FiredAt: not null }).Select(a => a.ResolvedAt!.Value - a.FiredAt!.Value).ToList();
        return new AlertStatistics(
            Enum.GetValues<AlertSeverity>().ToDictionary(s => s, s => all.Count(a => a.Severity == s)),
            Enum.GetValues<AlertState>().ToDictionary(s => s, s => s == AlertState.Inactive ? _rules.Slots.Count - active.Count : all.Count(a => a.State == s)),
            Interlocked.Read(ref _notifications),
            Interlocked.Read(ref _suppressed),
            acknowledged.Count == 0 ? null : TimeSpan.FromTicks((long)acknowledged.Average(t => t.Ticks)),
            resolved.Count == 0 ? null : TimeSpan.FromTicks((long)resolved.Average(t => t.Ticks)),
            resolved.Count == 0 ? null : resolved.Max(),
            Interlocked.Read(ref _historyDropped));
    }

    private static bool Matches(AlertRule rule, IReadOnlyDictionary<string, string>? tags)
    {
        foreach (var (key, value) in rule.Tags)
        {
            if (tags is null || !tags.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    // The summary tells the value now: re-rendered whenever the value changes (a NaN, no data, keeps the last one).
    private static AlertInstance WithValue(AlertRule rule, AlertInstance current, double value) =>
        double.IsNaN(value) || value.Equals(current.Value) ? current : current with { Value = value, Annotations = Render(rule, value) };

    private static Dictionary<string, string> Render(AlertRule rule, double value)
    {
        var text = value.ToString("G6", CultureInfo.InvariantCulture);
        var threshold = rule.Threshold.ToString("G6", CultureInfo.InvariantCulture);
        return rule.Annotations.ToDictionary(
            a => a.Key,
            a => a.Value.Replace("{value}", text, StringComparison.Ordinal).Replace("{threshold}", threshold, StringComparison.Ordinal).Replace("{metric}", rule.Metric, StringComparison.Ordinal),
            StringComparer.Ordinal);
    }

    private AlertNotification? Step(RuleSlot slot, DateTimeOffset now)
    {
        var rule = slot.Evaluator.Rule;
        var (holds, value) = slot.Evaluator.Evaluate(now);
        var current = slot.Current;
        if (current is null)
        {
            if (!holds)
            {
                // A quiet period's exemplar is not the trace behind the next incident.
                slot.Exemplar = null;
                return null;
            }

            var labels = new Dictionary<string, string>(rule.Labels, StringComparer.Ordinal)
            {
                ["alertname"] = rule.Name,
                ["severity"] = rule.Severity.ToString().ToLowerInvariant(),
            };
            foreach (var (key, identity) in this.IdentityLabels)
            {
                labels.TryAdd(key, identity);
            }

            current = new AlertInstance(
                string.Create(CultureInfo.InvariantCulture, $"{rule.Name}-{Interlocked.Increment(ref _sequence)}"),
                rule.Name, rule.Severity, AlertState.Pending, value, now, null, null, null, labels, Render(rule, value));
            slot.Current = current;
            slot.Announced = false;
        }

        if (slot.Exemplar is { } exemplar && !ReferenceEquals(current.Exemplar, exemplar))
        {
            // The trace behind the latest value goes with every state the alert moves to.
            current = current with { Exemplar = exemplar };
            slot.Current = current;
        }

        if (slot.PercentileSource != current.PercentileSource || slot.PercentileRelativeError != current.PercentileRelativeError)
        {
            current = current with { PercentileSource = slot.PercentileSource, PercentileRelativeError = slot.PercentileRelativeError };
            slot.Current = current;
        }

        switch (current.State)
        {
            case AlertState.Pending when !holds:
                slot.Current = null;
                slot.Exemplar = null;
                return null;
            case AlertState.Pending when now - current.PendingSince >= rule.For:
                var firing = current with { State = AlertState.Firing, FiredAt = now, Value = value, ValueAtFiring = value, Annotations = Render(rule, value) };
                slot.Current = firing;
                slot.NotHoldingSince = null;
                if (slot.LastNotified is { } last && now - last < rule.Cooldown)
                {
                    Interlocked.Increment(ref _suppressed);
                    return null;
                }

                slot.LastNotified = now;
                slot.Announced = true;
                Interlocked.Increment(ref _notifications);
                return new AlertNotification(firing, AlertState.Firing);
            case AlertState.Pending:
                slot.Current = WithValue(rule, current, value);
                return null;
            case AlertState.Firing when holds:
                slot.NotHoldingSince = null;
                slot.Current = WithValue(rule, current, value);
                return this.Repeat(slot, now);
            case AlertState.Firing:
                slot.NotHoldingSince ??= now;
                if (now - slot.NotHoldingSince.Value < rule.KeepFiringFor)
                {
                    slot.Current = WithValue(rule, current, value);
                    return this.Repeat(slot, now);
                }

                var resolved = WithValue(rule, current, value) with { State = AlertState.Resolved, ResolvedAt = now };
                slot.Current = null;
                slot.NotHoldingSince = null;
                slot.Exemplar = null;
                this.Remember(resolved);

                // A resolution ends what was announced; an alert whose firing was suppressed ends quietly.
                if (!slot.Announced)
                {
                    return null;
                }

                Interlocked.Increment(ref _notifications);
                return new AlertNotification(resolved, AlertState.Resolved);
            default:
                return null;
        }
    }

    // A firing alert whose firing the cooldown suppressed is announced once the cooldown has passed; an announced
    // one again once per cooldown, until it is acknowledged or resolves.
    private AlertNotification? Repeat(RuleSlot slot, DateTimeOffset now)
    {
        var cooldown = slot.Evaluator.Rule.Cooldown;
        if (slot.Current is not { } current || (slot.LastNotified is { } last && now - last < cooldown))
        {
            return null;
        }

        if (!slot.Announced)
        {
            // Acknowledged while the cooldown held its firing back: someone already knows, so it stays quiet,
            // and so does its resolution.
            if (current.Acknowledgement is not null)
            {
                return null;
            }

            slot.Announced = true;
            slot.LastNotified = now;
            Interlocked.Increment(ref _notifications);
            return new AlertNotification(current, AlertState.Firing);
        }

        if (current.Acknowledgement is not null || cooldown <= TimeSpan.Zero)
        {
            return null;
        }

        slot.LastNotified = now;
        Interlocked.Increment(ref _notifications);
        return new AlertNotification(current, AlertState.Firing, Repeat: true);
    }

    private void Remember(AlertInstance resolved)
    {
        lock (_historyGate)
        {
            _history.AddFirst(resolved);
            while (_history.Count > _historySize)
            {
                _history.RemoveLast();
                _historyDropped++;
            }
        }
    }

    private void Raise(AlertNotification? notification)
    {
        if (notification is null)
        {
            return;
        }

        foreach (var handler in this.Notification?.GetInvocationList() ?? [])
        {
            try
            {
                ((EventHandler<AlertNotification>)handler)(this, notification);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Diagnostics.AccuSceneSelfDiagnostics.ProcessorFailed("alert-notification", notification.Alert.Rule, ex);
            }
        }
    }
}
