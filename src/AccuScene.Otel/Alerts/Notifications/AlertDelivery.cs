using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Diagnostics;
using Polly;
using Polly.Retry;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>
/// Carries the engine's notifications to the channels in the background. Each channel has a queue bounded in
/// count and in bytes (<see cref="NotificationQueue"/>: the oldest notification is dropped and counted past either) and one worker, which delivers with
/// Polly: retries with exponential backoff and jitter (not for a status asking again cannot mend). The engine
/// only ever enqueues, so a channel that is down never blocks evaluation. Counted on <c>accuscene.otel.alerts.notifications{channel, outcome}</c>: delivered, failed, dropped, and
/// resend_failed (a resend carries no new notification, so its failure is counted once per failed resend).
/// </summary>
internal sealed class AlertDelivery : IDisposable
{
    public const string NotificationsName = "accuscene.otel.alerts.notifications";

    private static readonly Counter<long> Outcomes = AccuSceneSelfDiagnostics.Meter.CreateCounter<long>(
        NotificationsName, unit: "{notification}", description: "Alert notifications per channel and outcome: delivered, failed after every retry, dropped from a full queue, or resend_failed (once per failed resend).");

    private readonly AccuSceneAlertEngine _engine;
    private readonly List<Worker> _workers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IDisposable> _owned;
    private int _disposed;

    public AlertDelivery(AccuSceneAlertEngine engine, IEnumerable<IAlertChannel> channels, AlertDeliveryOptions options, TimeProvider? time = null, IEnumerable<IDisposable>? owned = null)
    {
        _engine = engine;
        _owned = owned?.ToList() ?? [];
        time ??= TimeProvider.System;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                // A receiver that is rate limiting (429, 503) says when to ask again: waited for, up to MaxRetryDelay.
                DelayGenerator = args => ValueTask.FromResult(AlertHttp.RetryAfter(args.Outcome.Exception, time.GetUtcNow(), options.MaxRetryDelay)),
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && args.Outcome.Exception is { } ex && !AlertHttp.IsPermanent(ex) && !(ex is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
            })
            .Build();
        _workers = [.. channels.Select(c => new Worker(c, options.QueueCapacity, pipeline, time, _stopping.Token))];
        _engine.Notification += this.OnNotification;
        _engine.QuietChange += this.OnQuietChange;
    }

    public AccuSceneAlertEngine Engine => _engine;

    public IEnumerable<IAlertChannel> Channels => _workers.Select(w => w.Channel);

    /// <summary>Gets the notifications waiting, over all channels.</summary>
    public int Queued => _workers.Sum(w => w.Queued);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _engine.Notification -= this.OnNotification;
        _engine.QuietChange -= this.OnQuietChange;
        foreach (var worker in _workers)
        {
            worker.Complete();
        }

        // Give queued notifications a moment to go out, then stop.
        this.WaitForWorkers(TimeSpan.FromSeconds(2));
        _stopping.Cancel();
        this.WaitForWorkers(TimeSpan.FromSeconds(1));
        foreach (var worker in _workers.Where(w => w.Queued > 0))
        {
            Count(worker.Channel.Name, "dropped", worker.Queued); // still queued at shutdown
        }

        foreach (var channel in _owned)
        {
            channel.Dispose();
        }

        _stopping.Dispose();
    }

    internal static void Count(string channel, string outcome, long count)
    {
        try
        {
            Outcomes.Add(count, new TagList { { "channel", channel }, { "outcome", outcome } });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }

    private void OnNotification(object? sender, AlertNotification notification)
    {
        foreach (var worker in _workers)
        {
            worker.Enqueue(notification);
        }
    }

    // A firing the cooldown held back, or the quiet end of one: only channels that send state (those with a resend
    // interval, as Alertmanager) are told, since their receiver deduplicates and repeats on its own schedule.
    private void OnQuietChange(object? sender, AlertNotification notification)
    {
        foreach (var worker in _workers)
        {
            if (worker.SendsState)
            {
                worker.Enqueue(notification);
            }
        }
    }

    // A worker that failed (it never should: its loop catches) must not make Dispose throw into the app.
    private void WaitForWorkers(TimeSpan timeout)
    {
        try
        {
            Task.WaitAll([.. _workers.Select(w => w.Loop)], timeout);
        }
        catch (AggregateException ex)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed("alert-delivery", "worker", ex.InnerException ?? ex);
        }
    }

    private sealed class Worker
    {
        private const int MaxBatch = 100;
        private readonly NotificationQueue _queue;
        private readonly ResiliencePipeline _pipeline;
        private readonly TimeProvider _time;

        public Worker(IAlertChannel channel, int capacity, ResiliencePipeline pipeline, TimeProvider time, CancellationToken stopping)
        {
            this.Channel = channel;
            _pipeline = pipeline;
            _time = time;
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

                    var due = _time.GetElapsedTime(started) >= nextResend;
                    if (batch.Count == 0 && !due)
                    {
                        continue;
                    }

                    if (resend is { } interval)
                    {
                        nextResend = _time.GetElapsedTime(started) + interval;
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
