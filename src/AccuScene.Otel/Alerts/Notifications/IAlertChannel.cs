namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// Where alert notifications go: a webhook, Alertmanager, or a channel of your own registered as a service.
/// The SDK delivers through a channel from one background worker, never from the code that evaluates rules (only the
/// quick <see cref="Accept"/> runs there): each channel has a bounded queue, and a failed delivery is retried with
/// backoff, then counted as failed.
/// </summary>
public interface IAlertChannel
{
    /// <summary>Gets the channel's name, used as the <c>channel</c> tag of the delivery counters.</summary>
    string Name { get; }

    /// <summary>
    /// Gets how often the worker calls <see cref="DeliverAsync"/> with no new notifications, for channels that must
    /// re-send what is still firing (Alertmanager). <see langword="null"/>: only when there is something new.
    /// A channel with a resend interval sends state, so it is also given the changes a rule's cooldown keeps from
    /// the other channels (a firing held back, the end of one never announced, and a firing alert whose labels an
    /// edited rule changed, as a firing notification with the new labels): deduplicating and repeating are its
    /// receiver's business, as Alertmanager's <c>repeat_interval</c> is. Before a resend, and before any delivery when the last such call is an interval old, it is also given every
    /// firing alert as it is now (its value and annotations change while it fires), as a repeat notification.
    /// </summary>
    TimeSpan? ResendInterval => null;

    /// <summary>
    /// Called on the evaluating thread for every notification, before it is queued. A channel that sends state
    /// rather than events (Alertmanager) records the alert here, so a notification dropped from a full queue loses
    /// nothing. A channel with a <see cref="ResendInterval"/> is also called from its worker before a resend (at least once per interval), with
    /// the firing alerts as they are now, so calls can overlap. Must be quick, thread-safe and must not block. Default: nothing.
    /// </summary>
    /// <param name="notification">The notification.</param>
    void Accept(AlertNotification notification)
    {
    }

    /// <summary>
    /// Delivers notifications. Throws when delivery failed; the worker retries the same batch, unless the exception is
    /// an <see cref="HttpRequestException"/> whose status asking again cannot mend (other than 408, 429 and 5xx).
    /// </summary>
    /// <param name="notifications">New notifications, oldest first; empty on a re-send.</param>
    /// <param name="cancellationToken">
    /// Cancelled when the process stops. The worker sets no timeout of its own: a channel bounds each attempt itself
    /// (the built-in ones by their <c>Timeout</c>), or a receiver that never answers holds its queue.
    /// </param>
    /// <returns>A task that completes when the receiver accepted them.</returns>
    Task DeliverAsync(IReadOnlyList<AlertNotification> notifications, CancellationToken cancellationToken);
}
