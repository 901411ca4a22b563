using System.Diagnostics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Metrics.Percentiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
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
    private LoggerProvider? _loggerProvider;
    private ServiceProvider? _logging;
    private bool _stopped;

    // A pull reader (Prometheus) cannot be collected outside a scrape, so the meter provider's ForceFlush is false then.
    private bool _meterHasPullReader;

    // The full path of the rules file whose rules are in Options.Alerts.Rules (Create(configure) reads it as the builders
    // do), NoFile when none is, or null when a read failed and the next Start must read again.
    private string? _rulesFileRead;

    private const string NoFile = "";

    private AccuSceneTelemetrySystem(AccuSceneOptions options, string rulesFileRead)
    {
        this.Options = options;
        _rulesFileRead = rulesFileRead;
    }

    /// <summary>Gets the validated options in effect.</summary>
    public AccuSceneOptions Options { get; }

    /// <summary>Gets a value indicating whether the providers are running.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _tracerProvider is not null && !_stopped;
            }
        }
    }

    /// <summary>Gets the tracing handle: the shared AccuScene <see cref="System.Diagnostics.ActivitySource"/>.</summary>
#pragma warning disable CA1822 // A handle on the instance, so callers need not know the static source.
    public ActivitySource ActivitySource => AccuSceneTelemetry.ActivitySource;
#pragma warning restore CA1822

    /// <summary>Gets p50/p90/p95/p99 of every AccuScene histogram series (and the standard latency histograms), once started.</summary>
    public AccuScenePercentiles? Percentiles { get; private set; }

    /// <summary>
    /// Gets the alert engine of <c>AccuScene:Alerts:Rules</c>, once started (also when there are no rules): add and
    /// remove rules at run time with <see cref="AccuSceneAlertEngine.AddRule"/> and <see cref="AccuSceneAlertEngine.RemoveRule"/>.
    /// </summary>
    public AccuSceneAlertEngine? Alerts { get; private set; }

    /// <summary>Gets the tracer provider, once started.</summary>
    public TracerProvider? TracerProvider => _tracerProvider;

    /// <summary>Gets the meter provider, once started.</summary>
    public MeterProvider? MeterProvider => _meterProvider;

    /// <summary>Gets the logger factory whose records go to OpenTelemetry; asking for it starts the system if it is not started yet.</summary>
    /// <exception cref="ObjectDisposedException">The system was stopped.</exception>
    public ILoggerFactory LoggerFactory
    {
        get
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            return _loggerFactory ?? this.Start()._loggerFactory!;
        }
    }

    /// <summary>Creates a system from <c>AccuScene__*</c> environment variables and <paramref name="configure"/>.</summary>
    /// <param name="configure">Changes to the options, or <see langword="null"/>.</param>
    /// <returns>A system that is not started yet.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    public static AccuSceneTelemetrySystem Create(Action<AccuSceneOptions>? configure = null)
    {
        var options = AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure);
        return new(options, string.IsNullOrWhiteSpace(options.Alerts.RulesFile) ? NoFile : Path.GetFullPath(options.Alerts.RulesFile));
    }

    /// <summary>Creates a system from ready-made options, which are validated here.</summary>
    /// <param name="options">The options.</param>
    /// <returns>A system that is not started yet.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    public static AccuSceneTelemetrySystem Create(AccuSceneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var read = ReadRulesFile(options, alreadyRead: null) ?? NoFile;
        AccuSceneOptionsValidator.ThrowIfInvalid(options);
        return new(options, read);
    }

    // A rules file set after the options were read (or on ready-made options) is read here, as the builders read
    // theirs: a file that cannot be read, or holds a bad rule, fails with its key instead of starting without rules.
    // Its rules replace those an earlier read of these options added (another file, or the same options given to
    // Create twice), so none is added twice and a cleared RulesFile takes its rules away.
    private static string? ReadRulesFile(AccuSceneOptions options, string? alreadyRead)
    {
        var file = string.IsNullOrWhiteSpace(options.Alerts.RulesFile) ? null : Path.GetFullPath(options.Alerts.RulesFile);
        if (alreadyRead is null || !string.Equals(file ?? NoFile, alreadyRead, StringComparison.Ordinal))
        {
            AlertRulesFile.Reread(options.Alerts, $"{AccuSceneOptions.SectionName}:Alerts");
        }

        return file;
    }

    /// <summary>
    /// Validates <see cref="Options"/> as they are now (they may have changed since <c>Create</c>; a <c>RulesFile</c> set since
    /// is read here, as the builders read theirs), then builds and starts
    /// the tracer, meter and logger providers. Calling it twice does nothing; later changes to <see cref="Options"/> have no
    /// effect, and rules are changed on <see cref="Alerts"/>.
    /// </summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ObjectDisposedException">The system was stopped.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
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
            // A read that fails has already taken the earlier file's rules away: until one succeeds, read every time.
            var read = _rulesFileRead;
            _rulesFileRead = null;
            _rulesFileRead = ReadRulesFile(options, read) ?? NoFile;
            AccuSceneOptionsValidator.ThrowIfInvalid(options);
            TracerProvider? tracerProvider = null;
            MeterProvider? meterProvider = null;
            ServiceProvider? logging = null;
            AccuScenePercentiles? percentiles = null;
            AccuSceneAlertEngine? engine = null;
            try
            {
                tracerProvider = AccuSceneTracerProviderBuilderExtensions
                    .AddAccuSceneCore(Sdk.CreateTracerProviderBuilder(), options)
                    .ConfigureServices(s => AccuSceneExporterWiring.AddDiskRetry(s, options.Exporters.Otlp.DiskRetry))
                    .Build();
                // The system's own percentiles: its percentile alerts and Percentiles read the same sketch.
                percentiles = AccuScenePercentiles.Create(options.Metrics.Percentiles, scope: null);
                var captured = percentiles;
                AccuSceneAlertEngine? alerts = null;
                var meterBuilder = AccuSceneMeterProviderBuilderExtensions
                    .AddAccuSceneCore(Sdk.CreateMeterProviderBuilder().ConfigureServices(s => s.AddSingleton(captured)), options, dashboard: false)
                    .ConfigureServices(s => AccuSceneExporterWiring.AddDiskRetry(s, options.Exporters.Otlp.DiskRetry));
                ((IDeferredMeterProviderBuilder)meterBuilder).Configure((sp, _) => alerts = sp.GetService<AccuSceneAlertEngine>());
                meterProvider = meterBuilder.Build();
                engine = alerts;
                if (engine is null)
                {
                    // OTEL_SDK_DISABLED: OpenTelemetry built a no-op provider without running its configuration. Nothing
                    // is recorded, so the percentiles stop listening; the engine exists all the same, fed by nothing.
                    percentiles.Dispose();
                    engine = new AccuSceneAlertEngine(options.Alerts.Rules, historySize: options.Alerts.HistorySize)
                    {
                        IdentityLabels = Resources.AccuSceneResourceDetector.IdentityLabels(options.Service, AccuSceneOptionsLoader.EnvironmentConfiguration()),
                    };
                }
                logging = new ServiceCollection()
                    .AddLogging(b => AccuSceneLoggingBuilderExtensions.AddAccuScene(b, options))
                    .BuildServiceProvider();
                _loggerFactory = logging.GetRequiredService<ILoggerFactory>();
                _loggerProvider = logging.GetRequiredService<LoggerProvider>();
            }
            catch
            {
                // All or nothing: a half-built system would look running and leak what was built.
                logging?.Dispose();
                meterProvider?.Dispose();
                percentiles?.Dispose();
                tracerProvider?.Dispose();
                _loggerFactory = null;
                _loggerProvider = null;
                throw;
            }

            _logging = logging;
            this.Percentiles = percentiles;
            this.Alerts = engine;
            _meterProvider = meterProvider;
            _meterHasPullReader = options.Exporters.Prometheus.Enabled;
            _tracerProvider = tracerProvider;
            return this;
        }
    }

    /// <summary>Creates a logger whose records go through OpenTelemetry; starts the system if it is not started yet.</summary>
    /// <param name="categoryName">The category.</param>
    /// <returns>The logger.</returns>
    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        return this.LoggerFactory.CreateLogger(categoryName);
    }

    /// <summary>Flushes the trace, metric and log exporters without stopping.</summary>
    /// <param name="timeoutMilliseconds">How long to wait per provider.</param>
    /// <returns>
    /// <see langword="true"/> when every provider flushed in time; <see langword="false"/> when not running. With the
    /// Prometheus endpoint on, the metrics are flushed but their result is not reported, as the host does not count it:
    /// OpenTelemetry answers <see langword="false"/> for a provider with a pull reader whatever its push readers did.
    /// </returns>
    public bool ForceFlush(int timeoutMilliseconds = 5000)
    {
        lock (_gate)
        {
            if (_stopped || _tracerProvider is null)
            {
                return false;
            }

            var traces = _tracerProvider.ForceFlush(timeoutMilliseconds);
            // The push readers beside a pull reader are flushed all the same, but the provider's answer is false whatever they did.
            var metrics = (_meterProvider?.ForceFlush(timeoutMilliseconds) ?? true) || _meterHasPullReader;
            var logs = _loggerProvider?.ForceFlush(timeoutMilliseconds) ?? true;
            return traces && metrics && logs;
        }
    }

    /// <summary>Flushes and shuts down every provider. Calling it again does nothing.</summary>
    /// <param name="cancellationToken">
    /// Stops waiting for the shutdown; the shutdown itself always runs to the end in the background.
    /// </param>
    /// <returns>A task that completes when everything is flushed.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        var stop = Task.Run(this.Stop, CancellationToken.None);

        // Checked first: WaitAsync on an already finished stop would report success even for a cancelled token.
        return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : stop.WaitAsync(cancellationToken);
    }

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

            // Logging first: its provider flushes log records that spans may still reference.
            _logging?.Dispose();
            _tracerProvider?.Dispose();
            _meterProvider?.Dispose();
            this.Percentiles?.Dispose();
        }
    }
}
