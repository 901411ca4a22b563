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
internal sealed partial class AlertDelivery : IDisposable
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
        _workers = [.. channels.Select(c => new Worker(c, options.QueueCapacity, pipeline, time, engine.Active, _stopping.Token))];
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
        // Still queued at shutdown. The meter provider may be gone by now (it is disposed before this), so the
        // warning on the event source is what shows them.
        foreach (var worker in _workers.Where(w => w.Queued > 0))
        {
            var queued = worker.Queued;
            Count(worker.Channel.Name, "dropped", queued);
            AccuSceneEventSource.Log.AlertDeliveryStopped(worker.Channel.Name, queued, "still queued");
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
}
