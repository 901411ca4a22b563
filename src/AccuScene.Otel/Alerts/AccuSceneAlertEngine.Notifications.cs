namespace AccuScene.Otel.Alerts;

/// <summary>How a rule is fed a value and evaluated, and how its notifications reach the handlers, in order.</summary>
public sealed partial class AccuSceneAlertEngine
{
    private enum Feeding
    {
        None,
        Value,
        Weighted,
        Precomputed,
    }

    // A rule's notifications are raised in the order its steps made them, also when two threads feed one rule: the
    // step queues its notification under the rule's lock, and one thread at a time raises the rule's queue, outside
    // every lock (a handler may call back into the engine). A thread that finds another raising leaves its
    // notification to it, so a notification may be raised on the thread that raises the one before.
    // The time is read under the rule's lock: read before it, a step could run after a later thread's sample and
    // leave that sample out of its window (a firing alert resolved at once), or add samples out of time order.
    private void StepAndRaise(RuleSlot slot, Feeding feeding, double value = 0, double weight = 1)
    {
        lock (slot.Gate)
        {
            var (wall, steady) = (_time.GetUtcNow(), this.SteadyNow());
            switch (feeding)
            {
                case Feeding.Value:
                    slot.Evaluator.Add(steady, value);
                    break;
                case Feeding.Weighted:
                    slot.Evaluator.Add(steady, value, weight);
                    break;
                case Feeding.Precomputed:
                    slot.Evaluator.AddPrecomputed(steady, value);
                    break;
            }

            if (!EnqueueStep(slot, this.Step(slot, wall, steady)))
            {
                return;
            }
        }

        this.Drain(slot);
    }

    // Under the rule's lock: queues what a step made, a notification or a quiet change; returns whether there was any.
    private static bool EnqueueStep(RuleSlot slot, AlertNotification? notification)
    {
        var queued = false;
        if (slot.Quiet is { } quiet)
        {
            slot.Quiet = null;
            Enqueue(slot, quiet, quiet: true);
            queued = true;
        }

        if (notification is not null)
        {
            Enqueue(slot, notification, quiet: false);
            queued = true;
        }

        return queued;
    }

    private const int MaxPendingPerRule = 1_024;

    // Under the rule's lock. Past the bound (handlers far slower than the rule changes state) the oldest goes, counted.
    private static void Enqueue(RuleSlot slot, AlertNotification notification, bool quiet)
    {
        if (slot.Pending.Count >= MaxPendingPerRule)
        {
            var dropped = slot.Pending.Dequeue();
            Diagnostics.AccuSceneSelfDiagnostics.ProcessorFailed(
                "alert-notification", dropped.Notification.Alert.Rule, new InvalidOperationException("The rule's notifications outran its handlers; the oldest was dropped."));
        }

        slot.Pending.Enqueue((notification, quiet));
    }

    private void Drain(RuleSlot slot)
    {
        while (Interlocked.CompareExchange(ref slot.Draining, 1, 0) == 0)
        {
            while (true)
            {
                (AlertNotification Notification, bool Quiet) next;
                lock (slot.Gate)
                {
                    if (!slot.Pending.TryDequeue(out next))
                    {
                        break;
                    }
                }

                this.Raise(next.Quiet ? this.QuietChange : this.Notification, next.Notification);
            }

            Volatile.Write(ref slot.Draining, 0);

            // A notification queued after the queue was found empty, and before the flag was cleared, is raised now.
            lock (slot.Gate)
            {
                if (slot.Pending.Count == 0)
                {
                    return;
                }
            }
        }
    }

    private void Raise(EventHandler<AlertNotification>? handlers, AlertNotification notification)
    {
        foreach (var handler in handlers?.GetInvocationList() ?? [])
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
