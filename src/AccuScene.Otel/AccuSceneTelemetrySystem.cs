using System.Diagnostics;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Instrumentation;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel;

/// <summary>
/// AccuScene telemetry without dependency injection, for console tools and tests: create it from options,
/// <see cref="Start"/> it, and <see cref="StopAsync"/> or dispose it to flush every exporter.
/// </summary>
/// <example>
/// <code>
/// await using var telemetry = AccuSceneTelemetrySystem.Create(o => o.Service.Name = "collision-worker").Start();
/// using var run = AccuSceneSpans.StartSimulationRun("scene-42", vehicleCount: 2);
/// telemetry.CreateLogger("Worker").LogInformation("Simulating {SceneId}", "scene-42");
/// </code>
/// </example>
public sealed class AccuSceneTelemetrySystem : IDisposable, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private TracerProvider? _tracerProvider;
    private MeterProvider? _meterProvider;
    private ILoggerFactory? _loggerFactory;
    private bool _stopped;

    private AccuSceneTelemetrySystem(AccuSceneOptions options)
    {
        this.Options = options;
    }

    /// <summary>Gets the validated options in effect.</summary>
    public AccuSceneOptions Options { get; }

    /// <summary>Gets a value indicating whether the providers are running.</summary>
    public bool IsRunning => _tracerProvider is not null && !_stopped;

    /// <summary>Gets the tracing handle: the shared AccuScene <see cref="System.Diagnostics.ActivitySource"/>.</summary>
#pragma warning disable CA1822 // A handle on the instance, so callers need not know the static source.
    public ActivitySource ActivitySource => AccuSceneTelemetry.ActivitySource;
#pragma warning restore CA1822

    /// <summary>Gets the tracer provider, once started.</summary>
    public TracerProvider? TracerProvider => _tracerProvider;

    /// <summary>Gets the meter provider, once started.</summary>
    public MeterProvider? MeterProvider => _meterProvider;

    /// <summary>Gets the logger factory whose records go to OpenTelemetry, once started.</summary>
    public ILoggerFactory LoggerFactory => _loggerFactory ?? throw new InvalidOperationException("Call Start() before asking for loggers.");

    /// <summary>Creates a system from <c>AccuScene__*</c> environment variables and <paramref name="configure"/>.</summary>
    /// <param name="configure">Changes to the options, or <see langword="null"/>.</param>
    /// <returns>A system that is not started yet.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    public static AccuSceneTelemetrySystem Create(Action<AccuSceneOptions>? configure = null) =>
        new(AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure));

    /// <summary>Creates a system from ready-made options, which are validated here.</summary>
    /// <param name="options">The options.</param>
    /// <returns>A system that is not started yet.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    public static AccuSceneTelemetrySystem Create(AccuSceneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AccuSceneOptionsValidator.ThrowIfInvalid(options);
        return new(options);
    }

    /// <summary>Builds and starts the tracer, meter and logger providers. Calling it twice does nothing.</summary>
    /// <returns>This instance.</returns>
    public AccuSceneTelemetrySystem Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_tracerProvider is not null)
            {
                return this;
            }

            var options = this.Options;
            _tracerProvider = AccuSceneTracerProviderBuilderExtensions
                .AddAccuSceneCore(Sdk.CreateTracerProviderBuilder(), options)
                .ConfigureServices(s => AccuSceneExporterWiring.AddDiskRetry(s, options.Exporters.Otlp.DiskRetry))
                .Build();
            _meterProvider = AccuSceneMeterProviderBuilderExtensions
                .AddAccuSceneCore(Sdk.CreateMeterProviderBuilder(), options)
                .ConfigureServices(s => AccuSceneExporterWiring.AddDiskRetry(s, options.Exporters.Otlp.DiskRetry))
                .Build();
            _loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => AccuSceneLoggingBuilderExtensions.AddAccuScene(b, options));
            return this;
        }
    }

    /// <summary>Creates a logger whose records go through OpenTelemetry.</summary>
    /// <param name="categoryName">The category.</param>
    /// <returns>The logger.</returns>
    public ILogger CreateLogger(string categoryName) => this.LoggerFactory.CreateLogger(categoryName);

    /// <summary>Flushes every exporter without stopping.</summary>
    /// <param name="timeoutMilliseconds">How long to wait per provider.</param>
    /// <returns><see langword="true"/> when every provider flushed in time.</returns>
    public bool ForceFlush(int timeoutMilliseconds = 5000)
    {
        var traces = _tracerProvider?.ForceFlush(timeoutMilliseconds) ?? true;
        var metrics = _meterProvider?.ForceFlush(timeoutMilliseconds) ?? true;
        return traces && metrics;
    }

    /// <summary>Flushes and shuts down every provider. Calling it again does nothing.</summary>
    /// <param name="cancellationToken">Stops waiting (the providers still shut down in the background).</param>
    /// <returns>A task that completes when everything is flushed.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        Task.Run(this.Stop, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => this.Stop();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(this.StopAsync());

    private void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;

            // Logger factory first: its provider flushes log records that spans may still reference.
            _loggerFactory?.Dispose();
            _tracerProvider?.Dispose();
            _meterProvider?.Dispose();
        }
    }
}
