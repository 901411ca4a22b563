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
    private readonly DateTimeOffset _steadyOrigin;
    private readonly long _steadyStart;
    private readonly int _historySize;
    private IReadOnlyDictionary<string, string> _identityLabels = new Dictionary<string, string>(StringComparer.Ordinal);
    private string? _serviceName;
    private long _sequence;
    private long _notifications;
    private long _suppressed;
    private long _historyDropped;
    private long _historyBytes;
    private volatile RuleSet _rules = RuleSet.Empty;

    /// <summary>Creates an engine for <paramref name="rules"/>.</summary>
    /// <param name="rules">The rules; each is validated.</param>
    /// <param name="time">The clock: its timestamps measure windows and durations, its wall clock dates the alerts. Default: the system clock.</param>
    /// <param name="historySize">How many resolved alerts are kept, 1 to 100000. Default 500.</param>
    /// <exception cref="ArgumentException">A rule is invalid; the message names the rule and the setting.</exception>
    public AccuSceneAlertEngine(IEnumerable<AlertRule> rules, TimeProvider? time = null, int historySize = 500)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(historySize, 100_000);
        _time = time ?? TimeProvider.System;
        (_steadyOrigin, _steadyStart) = (_time.GetUtcNow(), _time.GetTimestamp());
        _historySize = historySize;
        _rules = RuleSet.Create(rules, RuleSet.Empty, out var failure) ?? throw new ArgumentException(failure, nameof(rules));
    }

    /// <summary>
    /// Raised when an alert fires or resolves, and again once per cooldown while it fires unacknowledged, after the
    /// engine's locks are released. A rule's notifications come in the order its evaluations made them; one may be
    /// raised on the thread that raises the rule's previous one.
    /// </summary>
    public event EventHandler<AlertNotification>? Notification;

    /// <summary>
    /// Raised, in the same order as <see cref="Notification"/>, for the changes that event leaves out: a firing the
    /// cooldown holds back and the resolution of an alert never announced. Channels that send state rather than
    /// events (Alertmanager) must know them; the cooldown is their receiver's business (a <c>repeat_interval</c>).
    /// </summary>
    internal event EventHandler<AlertNotification>? QuietChange;

    /// <summary>Gets copies of the rules: changing one changes nothing; change rules with the engine's methods.</summary>
    public IReadOnlyList<AlertRule> Rules => [.. _rules.Slots.Select(s => s.Evaluator.Rule.Copy())];

    /// <summary>Gets the running rules themselves, for the pipeline: the same object for as long as a rule is unchanged.</summary>
    internal IReadOnlyList<AlertRule> RunningRules => [.. _rules.Slots.Select(s => s.Evaluator.Rule)];

    /// <summary>Gets a number that changes whenever the rules are replaced, added or removed.</summary>
    internal int RulesVersion => _rules.Version;

    /// <summary>
    /// Gets or sets the labels that tell this process apart in a fleet (<c>job</c> and <c>instance</c>, from
    /// <c>service.name</c> and <c>service.instance.id</c>); added to every alert unless its rule sets them. Set from the
    /// options at the start, and from the meter provider's resource at its first collection.
    /// </summary>
    internal IReadOnlyDictionary<string, string> IdentityLabels
    {
        get => Volatile.Read(ref _identityLabels);
        set => Volatile.Write(ref _identityLabels, value);
    }

    /// <summary>Gets or sets the <c>service.name</c> of the meter provider's resource, once it has collected: the webhooks' <c>source</c>.</summary>
    internal string? ServiceName
    {
        get => Volatile.Read(ref _serviceName);
        set => Volatile.Write(ref _serviceName, value);
    }

    /// <summary>
    /// Gets the time that windows, <c>For</c>, <c>KeepFiringFor</c> and cooldowns are measured on: the wall clock at the
    /// engine's start plus the time elapsed since, from <see cref="TimeProvider.GetTimestamp"/>. A step of the wall
    /// clock (an NTP correction, a VM resumed) moves no window and no duration; the alerts' own timestamps
    /// (<see cref="AlertInstance.PendingSince"/>, <c>FiredAt</c>, <c>ResolvedAt</c>) stay on the wall clock.
    /// </summary>
    internal DateTimeOffset SteadyNow() => _steadyOrigin + _time.GetElapsedTime(_steadyStart);

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

        foreach (var slot in slots)
        {
            if (!Matches(slot.Evaluator.Rule, tags))
            {
                continue;
            }

            this.StepAndRaise(slot, Feeding.Value, value);
        }
    }

    /// <summary>
    /// Gives <paramref name="rule"/> a percentile computed elsewhere (the in-process sketch), and evaluates it, unless the
    /// rule of that name now measures otherwise (see <see cref="CheckRule(AlertRule, double, double)"/>).
    /// </summary>
    /// <param name="rule">The rule the percentile was read for.</param>
    /// <param name="value">The percentile's value.</param>
    /// <param name="source"><c>sketch</c> or <c>buckets</c>; <see langword="null"/> when there is no value.</param>
    /// <param name="relativeError">The sketch's relative error bound, or <see langword="null"/> for buckets.</param>
    internal void CheckPrecomputed(AlertRule rule, double value, string? source, double? relativeError)
    {
        if (this.SlotMeasuring(rule) is { } slot)
        {
            lock (slot.Gate)
            {
                (slot.PercentileSource, slot.PercentileRelativeError) = (source, relativeError);
            }

            this.StepAndRaise(slot, Feeding.Precomputed, value);
        }
    }

    /// <summary>
    /// Gives <paramref name="rule"/> one sample standing for <paramref name="weight"/> events, and evaluates it, unless
    /// the rule of that name now measures otherwise: a reload during an export must not feed the new definition a
    /// value read by the old one.
    /// </summary>
    /// <param name="rule">The rule the sample was read for.</param>
    /// <param name="value">The value.</param>
    /// <param name="weight">How many events the value stands for (its mean, for a histogram).</param>
    internal void CheckRule(AlertRule rule, double value, double weight)
    {
        if (this.SlotMeasuring(rule) is { } slot)
        {
            this.StepAndRaise(slot, Feeding.Weighted, value, weight);
        }
    }

    private RuleSlot? SlotMeasuring(AlertRule rule) =>
        _rules.ByName.TryGetValue(rule.Name, out var slot) && RuleMeasurement.Same(slot.Evaluator.Rule, rule) ? slot : null;

    /// <summary>Keeps <paramref name="exemplar"/> as the trace behind the rule's latest value; its alert carries it.</summary>
    /// <param name="rule">The rule the exemplar was read for: kept only while the rule of that name measures as it does.</param>
    /// <param name="exemplar">The exemplar.</param>
    internal void NoteExemplar(AlertRule rule, AlertExemplar exemplar)
    {
        if (this.SlotMeasuring(rule) is { } slot)
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
        foreach (var slot in _rules.Slots)
        {
            this.StepAndRaise(slot, Feeding.None);
        }
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
                if (!slot.Removed && slot.Current is { } current && current.Id == id)
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
        var rules = _rules.Slots.Count;
        var active = this.Active();
        var all = active.Concat(this.History()).ToList();
        // Acknowledged while still pending: already acknowledged when it fired, so zero rather than a negative time.
        var acknowledged = all.Where(a => a is { Acknowledgement: not null, FiredAt: not null }).Select(a => a.Acknowledgement!.At > a.FiredAt!.Value ? a.Acknowledgement.At - a.FiredAt.Value : TimeSpan.Zero).ToList();
        // Both are wall-clock timestamps: a clock stepped back between them counts zero rather than a negative time.
        var resolved = all.Where(a => a is { ResolvedAt: not null, FiredAt: not null }).Select(a => a.ResolvedAt > a.FiredAt ? a.ResolvedAt!.Value - a.FiredAt!.Value : TimeSpan.Zero).ToList();
        return new AlertStatistics(
            Enum.GetValues<AlertSeverity>().ToDictionary(s => s, s => all.Count(a => a.Severity == s)),
            Enum.GetValues<AlertState>().ToDictionary(s => s, s => s == AlertState.Inactive ? Math.Max(0, rules - active.Count) : all.Count(a => a.State == s)),
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
            // An empty value also matches the tag's absence, as the exported label matcher does.
            if (tags is null || !tags.TryGetValue(key, out var actual) ? value.Length != 0 : !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
