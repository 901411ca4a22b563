using System.Text.Json;

namespace AccuScene.Otel.Alerts;

/// <summary>The engine's rule set: one immutable snapshot, swapped whole when rules are replaced, added or removed.</summary>
public sealed partial class AccuSceneAlertEngine
{
    /// <summary>
    /// Replaces the rules at run time. A rule whose name and settings are unchanged keeps its state (samples,
    /// pending or firing alert); so does one of the same name that measures the same way (metric, tags,
    /// aggregation, quantile, window, scope and kind) when only its threshold, severity, timings, labels or
    /// annotations changed, as Prometheus keeps the alerts of an edited rule: its alert takes the new severity,
    /// labels and annotations, and is judged by the new threshold and timings from the next evaluation. A removed
    /// rule's alert (or that of one redefined to measure otherwise) is resolved, and announced as resolved if its
    /// firing was.
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

    /// <summary>
    /// Replaces the rules that came from configuration, <paramref name="previous"/> (those last applied), by
    /// <paramref name="next"/>, and keeps every rule added in code that neither names. When the configured rules did not
    /// change (a reload of other settings), nothing changes: a rule added in code stays, and one removed in code stays removed.
    /// </summary>
    /// <returns><see langword="true"/> when the configured rules changed and were applied.</returns>
    /// <exception cref="ArgumentException">A rule of <paramref name="next"/> is invalid; the rules stay as they were.</exception>
    internal bool ReplaceConfiguredRules(IReadOnlyList<AlertRule> previous, IReadOnlyList<AlertRule> next)
    {
        if (previous.Count == next.Count && previous.Zip(next).All(p => p.First.Name == p.Second.Name && RuleSet.SameSettings(p.First, p.Second)))
        {
            return false;
        }

        var configured = previous.Concat(next).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        if (this.Swap(current => [.. next, .. current.Where(r => !configured.Contains(r.Name))]) is { } failure)
        {
            throw new ArgumentException(failure, nameof(next));
        }

        return true;
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

    // Builds the next rule set under the rules lock, publishes it, then resolves the alerts of rules that left it.
    // Returns why the change was refused, or null once it is in effect.
    private string? Swap(Func<IReadOnlyList<AlertRule>, IEnumerable<AlertRule>> change)
    {
        var ended = new List<RuleSlot>();
        lock (_rulesGate)
        {
            var current = _rules;
            if (RuleSet.Create(change([.. current.Slots.Select(s => s.Evaluator.Rule)]), current, out var failure) is not { } next)
            {
                return failure;
            }

            if (next.Slots.SequenceEqual(current.Slots) && next.Edited.Count == 0)
            {
                return null; // the same rules (a reload of unrelated settings): nothing to swap
            }

            // Edited rules take their new settings in their slot, before the set that lists them is published.
            foreach (var (slot, rule) in next.Edited)
            {
                lock (slot.Gate)
                {
                    slot.Evaluator.Rebind(rule);
                    if (slot.Current is { } alert)
                    {
                        slot.Current = alert with { Severity = rule.Severity, Labels = this.LabelsOf(rule), Annotations = Render(rule, alert.Value) };

                        // Receivers that hold state (Alertmanager) know a firing alert by its labels: told quietly.
                        if (alert.State == AlertState.Firing && !LabelSets.Equal(alert.Labels, slot.Current.Labels))
                        {
                            slot.Quiet = new AlertNotification(slot.Current, AlertState.Firing);
                            EnqueueStep(slot, null);
                            ended.Add(slot);
                        }
                    }
                }
            }

            _rules = next;
            var now = _time.GetUtcNow();
            foreach (var slot in current.Slots.Where(s => !next.ByName.TryGetValue(s.Evaluator.Rule.Name, out var kept) || !ReferenceEquals(kept, s)))
            {
                lock (slot.Gate)
                {
                    var notification = this.EndRemoved(slot, now);
                    if (EnqueueStep(slot, notification)) // after any of the rule's notifications still being raised
                    {
                        ended.Add(slot);
                    }
                }
            }
        }

        foreach (var slot in ended)
        {
            this.Drain(slot);
        }

        return null;
    }

    // A removed (or redefined) rule's firing alert resolves, so a receiver that was told it fires is told it ended.
    private AlertNotification? EndRemoved(RuleSlot slot, DateTimeOffset now)
    {
        // A thread still holding the old rule set skips the slot from now on (Step, Acknowledge).
        slot.Removed = true;
        if (slot.Current is not { State: AlertState.Firing } current)
        {
            slot.Current = null;
            return null;
        }

        var resolved = current with { State = AlertState.Resolved, ResolvedAt = now };
        slot.Current = null;
        this.Remember(resolved);
        if (!slot.Announced)
        {
            slot.Quiet = new AlertNotification(resolved, AlertState.Resolved);
            return null;
        }

        Interlocked.Increment(ref _notifications);
        return new AlertNotification(resolved, AlertState.Resolved);
    }

    private sealed class RuleSet
    {
        public static readonly RuleSet Empty = new([], 0, []);

        private RuleSet(List<RuleSlot> slots, int version, List<(RuleSlot Slot, AlertRule Rule)> edited)
        {
            this.Slots = slots;
            this.Version = version;
            this.Edited = edited;
            foreach (var slot in slots)
            {
                this.ByName[slot.Evaluator.Rule.Name] = slot;
                if (!this.ByMetric.TryGetValue(slot.Evaluator.Rule.Metric, out var list))
                {
                    this.ByMetric[slot.Evaluator.Rule.Metric] = list = [];
                }

                list.Add(slot);
            }
        }

        public List<RuleSlot> Slots { get; }

        public Dictionary<string, RuleSlot> ByName { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<RuleSlot>> ByMetric { get; } = new(StringComparer.Ordinal);

        public int Version { get; }

        /// <summary>Gets the kept slots whose rule was edited without changing how it measures, with the edited rule.</summary>
        public List<(RuleSlot Slot, AlertRule Rule)> Edited { get; }

        /// <summary>
        /// Validates <paramref name="rules"/> and builds a set from them, keeping <paramref name="previous"/>'s slot (and so
        /// its state) for every rule whose name and settings are unchanged. Returns <see langword="null"/> and the reason
        /// when a rule is invalid or named twice.
        /// </summary>
        public static RuleSet? Create(IEnumerable<AlertRule> rules, RuleSet previous, out string? failure)
        {
            var slots = new List<RuleSlot>();
            var edited = new List<(RuleSlot, AlertRule)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var given in rules)
            {
                if (given is null)
                {
                    failure = "An alert rule is null.";
                    return null;
                }

                // The engine's own rules are kept as they are; another is copied before it is validated, and the copy runs.
                var rule = previous.Slots.Any(s => ReferenceEquals(s.Evaluator.Rule, given)) ? given : given.Copy();
                failure = Validate(rule) ?? (names.Add(rule.Name) ? null : $"Alert rule '{rule.Name}' is defined twice.");
                if (failure is not null)
                {
                    return null;
                }

                if (!previous.ByName.TryGetValue(rule.Name, out var kept) || !RuleMeasurement.Same(kept.Evaluator.Rule, rule))
                {
                    slots.Add(new RuleSlot(rule));
                    continue;
                }

                slots.Add(kept);
                if (!SameSettings(kept.Evaluator.Rule, rule))
                {
                    edited.Add((kept, rule));
                }
            }

            failure = null;
            return new RuleSet(slots, previous.Version + 1, edited);
        }

        public static bool SameSettings(AlertRule a, AlertRule b) =>
            ReferenceEquals(a, b)
            || JsonSerializer.Serialize(a, AlertRuleJsonContext.Default.AlertRule) == JsonSerializer.Serialize(b, AlertRuleJsonContext.Default.AlertRule);
    }

    private sealed class RuleSlot(AlertRule rule)
    {
        public Lock Gate { get; } = new();

        /// <summary>Gets the rule's notifications not yet raised, in the order its steps made them; used under <see cref="Gate"/>.</summary>
        public Queue<(AlertNotification Notification, bool Quiet)> Pending { get; } = new();

        /// <summary>Gets or sets the change the last step made without a notification (see <c>QuietChange</c>); used under <see cref="Gate"/>.</summary>
        public AlertNotification? Quiet { get; set; }

        /// <summary>1 while a thread raises the pending notifications (<see cref="AccuSceneAlertEngine"/>'s Drain).</summary>
        public int Draining;

        public RuleEvaluator Evaluator { get; } = new(rule);

        public AlertInstance? Current { get; set; }

        /// <summary>Gets or sets when the current alert became pending, on the engine's steady time (its <c>For</c> is measured from it).</summary>
        public DateTimeOffset PendingSteady { get; set; }

        /// <summary>Gets or sets since when a firing alert's condition has not held, on the steady time.</summary>
        public DateTimeOffset? NotHoldingSince { get; set; }

        /// <summary>Gets or sets when the rule last notified, on the steady time.</summary>
        public DateTimeOffset? LastNotified { get; set; }

        public bool Announced { get; set; }

        public AlertExemplar? Exemplar { get; set; }

        public string? PercentileSource { get; set; }

        public double? PercentileRelativeError { get; set; }

        /// <summary>Gets or sets a value indicating whether the rule left the rule set; set under <see cref="Gate"/>.</summary>
        public bool Removed { get; set; }
    }
}
