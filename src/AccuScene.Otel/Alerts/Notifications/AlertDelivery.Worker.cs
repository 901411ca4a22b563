using System.Diagnostics;
using AccuScene.Otel.Diagnostics;
using Polly;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>One channel's worker: its queue, its resends, and its deliveries through the retry pipeline.</summary>
internal sealed partial class AlertDelivery
{
    private sealed class Worker
    {
        private const int MaxBatch = 100;
        private readonly NotificationQueue _queue;
        private readonly ResiliencePipeline _pipeline;
        private readonly TimeProvider _time;

        private readonly Func<IReadOnlyList<AlertInstance>> _active;

        public Worker(IAlertChannel channel, int capacity, ResiliencePipeline pipeline, TimeProvider time, Func<IReadOnlyList<AlertInstance>> active, CancellationToken stopping)
        {
            this.Channel = channel;
            _pipeline = pipeline;
            _time = time;
            _active = active;
            _queue = new NotificationQueue(capacity, () => Count(channel.Name, "dropped", 1));
            this.SendsState = this.ResendInterval() is not null;
            this.Loop = Task.Run(() => this.RunAsync(stopping), CancellationToken.None);
        }

        public IAlertChannel Channel { get; }

        /// <summary>Gets whether the channel sends state (it has a resend interval), so it is also told of quiet changes.</summary>
        public bool SendsState { get; }

        public Task Loop { get; }

        public int Queued => _queue.Count;

        public void Enqueue(AlertNotification notification)
        {
            try
            {
                this.Channel.Accept(notification);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.ProcessorFailed("alert-delivery", this.Channel.Name, ex);
            }

            _queue.Enqueue(notification);
        }

        public void Complete() => _queue.Complete();

        // A refresh tells the firing alerts as they are now: their value and the annotations rendered from it change
        // while they fire, and with no cooldown, or once acknowledged, no repeat notification tells the channel.
        // Alertmanager's channel takes the copy only over the same alert with the same labels, so one read before a
        // reload relabelled it, or before it resolved, changes nothing.
        private void Refresh()
        {
            try
            {
                foreach (var alert in _active())
                {
                    if (alert.State != AlertState.Firing)
                    {
                        continue;
                    }

                    if (this.Channel is AlertmanagerAlertChannel alertmanager)
                    {
                        alertmanager.Refresh(alert); // never relabels or reopens from an older copy
                    }
                    else
                    {
                        this.Channel.Accept(new AlertNotification(alert, alert.State, repeat: true));
                    }
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.ProcessorFailed("alert-delivery", this.Channel.Name, ex);
            }
        }

        // A channel's own getter may throw (a custom IAlertChannel): the worker then goes without resends.
        private TimeSpan? ResendInterval()
        {
            try
            {
                return this.Channel.ResendInterval;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.ProcessorFailed("alert-delivery", this.Channel.Name, ex);
                return null;
            }
        }

        private async Task RunAsync(CancellationToken stopping)
        {
            // A channel's own resend interval is kept within 1 s to 1 h, so a bad one cannot spin the worker. Resends
            // are timed on GetTimestamp: a step of the wall clock neither hurries nor holds them.
            var resend = this.ResendInterval() is { } asked
                ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour))
                : (TimeSpan?)null;
            var started = _time.GetTimestamp();
            var nextResend = resend ?? TimeSpan.MaxValue;
            var nextRefresh = nextResend;
            var batch = new List<AlertNotification>();
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    if (!_queue.Any() && !await this.WaitAsync(resend is null ? null : nextResend - _time.GetElapsedTime(started), stopping).ConfigureAwait(false))
                    {
                        return; // completed and drained
                    }

                    batch.Clear();
                    while (batch.Count < MaxBatch && _queue.TryRead(out var item))
                    {
                        batch.Add(item);
                    }

                    if (batch.Count == 0 && _time.GetElapsedTime(started) < nextResend)
                    {
                        continue;
                    }

                    if (resend is { } interval)
                    {
                        // A delivery sends the state, so it puts the next resend off; the refresh of the firing alerts
                        // is not put off with it, or another rule's notifications could keep them as they fired.
                        // Alertmanager's channel takes it on every delivery (it never reopens from an older copy);
                        // another channel, as repeat notifications, at most once per interval.
                        var now = _time.GetElapsedTime(started);
                        nextResend = now + interval;
                        if (this.Channel is AlertmanagerAlertChannel || now >= nextRefresh)
                        {
                            nextRefresh = now + interval;
                            this.Refresh();
                        }
                    }

                    await this.DeliverAsync(batch, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    AccuSceneSelfDiagnostics.ProcessorFailed("alert-delivery", this.Channel.Name, ex);
                }
            }
        }

        // True when there may be something to do; false when the queue is completed and empty. No resend: only work wakes it.
        private async Task<bool> WaitAsync(TimeSpan? resendIn, CancellationToken stopping)
        {
            if (resendIn is not { } delay)
            {
                return await _queue.WaitToReadAsync(stopping).ConfigureAwait(false);
            }

            if (delay <= TimeSpan.Zero)
            {
                return true;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var read = _queue.WaitToReadAsync(wake.Token).AsTask();
            var timer = Task.Delay(delay, _time, wake.Token);
            var first = await Task.WhenAny(read, timer).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            stopping.ThrowIfCancellationRequested();
            return first != read || await read.ConfigureAwait(false);
        }

        private async Task DeliverAsync(List<AlertNotification> batch, CancellationToken stopping)
        {
            IReadOnlyList<AlertNotification> items = [.. batch];
            try
            {
                await _pipeline.ExecuteAsync(
                    static async (state, token) => await state.Channel.DeliverAsync(state.items, token).ConfigureAwait(false),
                    (this.Channel, items),
                    stopping).ConfigureAwait(false);
                Count(this.Channel.Name, "delivered", items.Count);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopped while delivering or between retries: out of the queue and not delivered, so counted as
                // dropped like the notifications still queued at shutdown.
                Count(this.Channel.Name, "dropped", items.Count);
                AccuSceneEventSource.Log.AlertDeliveryStopped(this.Channel.Name, items.Count, "being delivered, or waiting for a retry");
                throw;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Count(this.Channel.Name, items.Count == 0 ? "resend_failed" : "failed", Math.Max(items.Count, 1));
                AccuSceneEventSource.Log.AlertDeliveryFailed(this.Channel.Name, items.Count, ex.Message);
            }
        }
    }
}
