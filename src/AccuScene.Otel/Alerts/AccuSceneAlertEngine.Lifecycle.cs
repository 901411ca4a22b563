using System.Globalization;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// An alert's lifecycle: inactive → pending → firing → resolved, with <c>for</c>, <c>keep_firing_for</c>, the
/// cooldown and repeats, and the history of resolved alerts.
/// </summary>
public sealed partial class AccuSceneAlertEngine
{
    // The summary tells the value now: re-rendered whenever the value changes (a NaN, no data, keeps the last one).
    private static AlertInstance WithValue(AlertRule rule, AlertInstance current, double value) =>
        double.IsNaN(value) || value.Equals(current.Value) ? current : current with { Value = value, Annotations = Render(rule, value) };

    private Dictionary<string, string> LabelsOf(AlertRule rule)
    {
        var labels = new Dictionary<string, string>(rule.Labels, StringComparer.Ordinal)
        {
            ["alertname"] = rule.Name,
            ["severity"] = rule.Severity.ToString().ToLowerInvariant(),
        };
        foreach (var (key, identity) in this.IdentityLabels)
        {
            labels.TryAdd(key, identity);
        }

        return labels;
    }

    private static Dictionary<string, string> Render(AlertRule rule, double value)
    {
        // The value as Prometheus' "%.6g" prints it; the threshold as configured (round-trip, as the exported rules write it).
        var text = GoFloatText.G6(value);
        var threshold = rule.Threshold.ToString("R", CultureInfo.InvariantCulture);
        // A text of placeholders alone would grow many times over: cut at twice the longest template.
        return rule.Annotations.ToDictionary(
            a => a.Key,
            a => Diagnostics.TextLimits.Cut(
                a.Value.Replace("{value}", text, StringComparison.Ordinal).Replace("{threshold}", threshold, StringComparison.Ordinal).Replace("{metric}", rule.Metric, StringComparison.Ordinal),
                2 * MaxAnnotationValueLength),
            StringComparer.Ordinal);
    }

    // The alert's timestamps are the wall clock's (now); its durations are measured on the steady time (see SteadyNow).
    private AlertNotification? Step(RuleSlot slot, DateTimeOffset now, DateTimeOffset steady)
    {
        if (slot.Removed)
        {
            return null;
        }

        var rule = slot.Evaluator.Rule;
        var (holds, value) = slot.Evaluator.Evaluate(steady);
        var current = slot.Current;
        if (current is null)
        {
            if (!holds)
            {
                // A quiet period's exemplar is not the trace behind the next incident.
                slot.Exemplar = null;
                return null;
            }

            var sequence = Interlocked.Increment(ref _sequence);
            current = new AlertInstance(
                string.Create(CultureInfo.InvariantCulture, $"{rule.Name}-{sequence}"),
                rule.Name, rule.Severity, AlertState.Pending, value, now, null, null, null, this.LabelsOf(rule), Render(rule, value))
            {
                Sequence = sequence,
            };
            slot.Current = current;
            slot.PendingSteady = steady;
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
            case AlertState.Pending when steady - slot.PendingSteady >= rule.For:
                var firing = current with { State = AlertState.Firing, FiredAt = now, Value = value, ValueAtFiring = value, Annotations = Render(rule, value) };
                slot.Current = firing;
                slot.NotHoldingSince = null;
                if (slot.LastNotified is { } last && steady - last < rule.Cooldown)
                {
                    Interlocked.Increment(ref _suppressed);
                    slot.Quiet = new AlertNotification(firing, AlertState.Firing);
                    return null;
                }

                slot.LastNotified = steady;
                slot.Announced = true;
                Interlocked.Increment(ref _notifications);
                return new AlertNotification(firing, AlertState.Firing);
            case AlertState.Pending:
                slot.Current = WithValue(rule, current, value);
                return null;
            case AlertState.Firing when holds:
                slot.NotHoldingSince = null;
                slot.Current = WithValue(rule, current, value);
                return this.Repeat(slot, steady);
            case AlertState.Firing:
                slot.NotHoldingSince ??= steady;
                if (steady - slot.NotHoldingSince.Value < rule.KeepFiringFor)
                {
                    slot.Current = WithValue(rule, current, value);
                    return this.Repeat(slot, steady);
                }

                var resolved = WithValue(rule, current, value) with { State = AlertState.Resolved, ResolvedAt = now };
                slot.Current = null;
                slot.NotHoldingSince = null;
                slot.Exemplar = null;
                this.Remember(resolved);

                // A resolution ends what was announced; an alert whose firing was suppressed ends quietly.
                if (!slot.Announced)
                {
                    slot.Quiet = new AlertNotification(resolved, AlertState.Resolved);
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
    private AlertNotification? Repeat(RuleSlot slot, DateTimeOffset steady)
    {
        var cooldown = slot.Evaluator.Rule.Cooldown;
        if (slot.Current is not { } current || (slot.LastNotified is { } last && steady - last < cooldown))
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
            slot.LastNotified = steady;
            Interlocked.Increment(ref _notifications);
            return new AlertNotification(current, AlertState.Firing);
        }

        if (current.Acknowledgement is not null || cooldown <= TimeSpan.Zero)
        {
            return null;
        }

        slot.LastNotified = steady;
        Interlocked.Increment(ref _notifications);
        return new AlertNotification(current, AlertState.Firing, repeat: true);
    }

    // The history is bounded by count (HistorySize) and by bytes (MaxHistoryBytes): past either, the oldest go,
    // counted in Statistics().HistoryDropped. The newest stays, whatever it holds.
    private void Remember(AlertInstance resolved)
    {
        lock (_historyGate)
        {
            _history.AddFirst(resolved);
            _historyBytes += AlertSize.Of(resolved);
            while (_history.Count > _historySize || (_historyBytes > MaxHistoryBytes && _history.Count > 1))
            {
                _historyBytes -= AlertSize.Of(_history.Last!.Value);
                _history.RemoveLast();
                _historyDropped++;
            }
        }
    }
}
