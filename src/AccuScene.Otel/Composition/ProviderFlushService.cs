using AccuScene.Otel.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Hosting;

/// <summary>
/// Exports what is pending in every provider once every hosted service's <c>StopAsync</c> has returned (the
/// meter provider runs a final collection on its push readers), within the host's shutdown timeout.
/// OpenTelemetry flushes only when the host is disposed, and an app that stops its host without disposing it
/// would otherwise lose a short run's metrics. A flush that fails or runs out of time is counted and logged,
/// never thrown. A pull reader (the Prometheus endpoint) cannot be collected outside a scrape, so with one
/// attached the meter provider always reports <see langword="false"/>; that result alone is then not taken
/// for a failure (OpenTelemetry's own event sources still report a failed push export).
/// </summary>
internal sealed partial class ProviderFlushService : IHostedLifecycleService
{
    /// <summary>The longest one provider may take, when the host's own timeout is longer.</summary>
    internal const int MaxFlushMilliseconds = 30_000;

    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private TracerProvider? _tracerProvider;
    private LoggerProvider? _loggerProvider;
    private MeterProvider? _meterProvider;
    private bool _meterProviderHasPullReader;

    public ProviderFlushService(IServiceProvider services, ILogger<ProviderFlushService> logger)
    {
        _services = services;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Takes the providers the host built at start (OpenTelemetry's hosted service builds them), so that a
    /// host whose start failed builds nothing at stop.
    /// </summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _tracerProvider = _services.GetService<TracerProvider>();
        _loggerProvider = _services.GetService<LoggerProvider>();
        _meterProvider = _services.GetService<MeterProvider>();
        _meterProviderHasPullReader = _services.GetService<AccuSceneOptions>()?.Exporters.Prometheus.Enabled == true;
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after every hosted service's <c>StopAsync</c>, so their last telemetry is included.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => this.FlushAsync(cancellationToken);

    internal Task FlushAsync(CancellationToken cancellationToken) => Task.WhenAll(
        this.FlushAsync("traces", _tracerProvider, static (p, t) => ((TracerProvider)p).ForceFlush(t), falseIsFailure: true, cancellationToken),
        this.FlushAsync("logs", _loggerProvider, static (p, t) => ((LoggerProvider)p).ForceFlush(t), falseIsFailure: true, cancellationToken),
        this.FlushAsync("metrics", _meterProvider, static (p, t) => ((MeterProvider)p).ForceFlush(t), falseIsFailure: !_meterProviderHasPullReader, cancellationToken));

    private async Task FlushAsync(string signal, BaseProvider? provider, Func<BaseProvider, int, bool> flush, bool falseIsFailure, CancellationToken cancellationToken)
    {
        if (provider is null)
        {
            return;
        }

        string? failure;
        try
        {
            var flushed = await Task.Run(() => flush(provider, MaxFlushMilliseconds), CancellationToken.None)
                .WaitAsync(cancellationToken)
                .ConfigureAwait(false);
            failure = flushed || !falseIsFailure ? null : "an exporter reported a failure or did not finish in time";
        }
        catch (OperationCanceledException)
        {
            failure = "the host's shutdown timeout passed first";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex.Message;
        }

        if (failure is not null)
        {
            AccuSceneSelfDiagnostics.FlushFailed(signal, failure);
            try
            {
                Log.FlushFailed(_logger, signal, failure);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The log pipeline may be the one that failed; the counter and the event source still have it.
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(120, LogLevel.Warning, "The final {Signal} export at host stop did not complete: {Reason}", EventName = "FinalFlushFailed")]
        public static partial void FlushFailed(ILogger logger, string signal, string reason);
    }
}
