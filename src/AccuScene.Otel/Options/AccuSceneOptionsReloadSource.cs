using AccuScene.Otel.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AccuScene.Otel;

/// <summary>
/// Tells <see cref="IOptionsMonitor{TOptions}"/> that <see cref="AccuSceneOptions"/> changed, when the <c>AccuScene</c>
/// section reloads or the alert rules file changes, but only once the new options have been built and validated. A
/// reload that fails (a typo, a value out of range, a broken rules file) is logged, counted on
/// <c>accuscene.otel.options.reload_failures</c>, and leaves the previous options in effect: the monitor is not told.
/// The SDK's own reloadable features (alert rules, log levels) take the validated options from <see cref="Reloaded"/>
/// and <see cref="Current"/>, so a file that changes again while the monitor rebuilds cannot reach them half-checked.
/// </summary>
internal sealed class AccuSceneOptionsReloadSource : IOptionsChangeTokenSource<AccuSceneOptions>, IDisposable
{
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);
    private readonly IConfigurationSection _section;
    private readonly AccuSceneOptionsFactory _factory;
    private readonly AccuSceneOptionsOffer _offer;
    private readonly Lazy<ILogger?> _logger;
    private readonly Lock _gate = new();
    private CancellationTokenSource _changed = new();
    private IDisposable? _registration;
    private PhysicalFileProvider? _files;
    private string? _rulesFile;
    private bool _disposed;
    private long _generation;

    /// <param name="section">The section the options bind to.</param>
    /// <param name="factory">Builds and validates a fresh options instance.</param>
    /// <param name="offer">Where a validated reload is handed to the monitor.</param>
    /// <param name="loggers">
    /// The host's loggers, asked for only when a reload is refused: the log-level filters follow this source, so
    /// resolving them here would be circular.
    /// </param>
    public AccuSceneOptionsReloadSource(IConfigurationSection section, AccuSceneOptionsFactory factory, AccuSceneOptionsOffer offer, Func<ILoggerFactory?> loggers)
    {
        _section = section;
        _factory = factory;
        _offer = offer;
        _logger = new Lazy<ILogger?>(() => loggers()?.CreateLogger("AccuScene.Otel.Options"));
        lock (_gate)
        {
            _rulesFile = FullPath(section["Alerts:RulesFile"]);
            this.Arm()?.Dispose(); // nothing registered yet: no callback can be waiting
        }
    }

    /// <summary>Raised, after the monitor is told, with each reload's validated options.</summary>
    public event Action<AccuSceneOptions>? Reloaded;

    public string Name => Options.DefaultName;

    /// <summary>Gets the options of the last reload that validated, or <see langword="null"/> before the first.</summary>
    public AccuSceneOptions? Current { get; private set; }

    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <summary>Watches the rules file named by the options in effect (set in code, it is not in the section).</summary>
    public void WatchRulesFile(string? rulesFile)
    {
        IDisposable? previous = null;
        lock (_gate)
        {
            var file = FullPath(rulesFile);
            if (!_disposed && !string.Equals(file, _rulesFile, StringComparison.Ordinal))
            {
                _rulesFile = file;
                previous = this.Arm();
            }
        }

        previous?.Dispose();
    }

    public void Dispose()
    {
        IDisposable? registration;
        lock (_gate)
        {
            _disposed = true;
            registration = _registration;
            _registration = null;
            _files?.Dispose();
            _changed.Dispose();
        }

        // Outside the gate: disposing a registration waits for its callback if it is running, and the callback
        // takes the gate first (it then sees the source disposed and returns).
        registration?.Dispose();
    }

    private static string? FullPath(string? file) => string.IsNullOrWhiteSpace(file) ? null : Path.GetFullPath(file);

    // Registers for the next change of the section or of the rules file (called under the gate). Returns the
    // previous registration, for the caller to dispose once it has left the gate: disposing it waits for its
    // callback if that is running on another thread, and the callback waits for the gate.
    private IDisposable? Arm()
    {
        var previous = _registration;
        IChangeToken token = _section.GetReloadToken();
        if (_rulesFile is { } file && Path.GetDirectoryName(file) is { } directory && Directory.Exists(directory))
        {
            if (_files is null || !string.Equals(Path.TrimEndingDirectorySeparator(_files.Root), Path.TrimEndingDirectorySeparator(directory), StringComparison.Ordinal))
            {
                _files?.Dispose();
                _files = new PhysicalFileProvider(directory, Microsoft.Extensions.FileProviders.Physical.ExclusionFilters.None);
            }

            token = new CompositeChangeToken([token, _files.Watch(Path.GetFileName(file))]);
        }

        _registration = token.RegisterChangeCallback(static state => ((AccuSceneOptionsReloadSource)state!).OnSourceChanged(), this);
        return previous;
    }

    private void OnSourceChanged()
    {
        long generation;
        IDisposable? previous;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Registered for the next change before this one is read, as ChangeToken.OnChange does: a change made
            // while the options below are built starts a reload of its own instead of waiting for an unrelated one.
            generation = ++_generation;
            previous = this.Arm();
        }

        previous?.Dispose(); // outside the gate (see Arm); disposing this callback's own registration does not wait

        // As the JSON configuration provider does: let the writer finish before reading.
        Thread.Sleep(ReloadDelay);
        AccuSceneOptions? next = null;
        Exception? failure = null;
        try
        {
            next = _factory.Build(this.Name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex;
        }

        CancellationTokenSource? fired = null;
        IDisposable? replaced = null;
        lock (_gate)
        {
            // A newer change is being read, and reads what this one read and more: it decides (and logs and counts
            // its own failure, if it fails too: one bad save seen twice by the file watcher is one refused reload).
            if (_disposed || generation != _generation)
            {
                return;
            }

            if (next is not null)
            {
                this.Current = next;
                var file = FullPath(next.Alerts.RulesFile);
                if (!string.Equals(file, _rulesFile, StringComparison.Ordinal))
                {
                    _rulesFile = file;
                    replaced = this.Arm();
                }

                fired = _changed;
                _changed = new CancellationTokenSource();
            }
        }

        replaced?.Dispose();
        if (next is null || fired is null)
        {
            this.Refuse(failure ?? new InvalidOperationException("The options could not be built."));
            return;
        }

        try
        {
            // The monitor takes the options here (the validated instance, not a second build); the app's own
            // listeners run too. The options are in effect whatever a listener does: one that throws is a listener
            // failure, counted, not a refused reload.
            using (_offer.Offer(next))
            {
                fired.Cancel();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed("options-monitor-listener", "reload", ex);
        }
        finally
        {
            fired.Dispose();
        }

        // Each handler on its own, on a change-token thread where an exception would end the process.
        foreach (var handler in this.Reloaded?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<AccuSceneOptions>)handler)(next);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.ProcessorFailed("options-reloaded", "reload", ex);
            }
        }
    }

    private void Refuse(Exception ex)
    {
        AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.OptionsReloadFailures, 1);
        AccuSceneEventSource.Log.OptionsReloadRefused(ex.Message);
        if (_logger.Value is { } logger)
        {
            AccuSceneOptionsLog.ReloadRefused(logger, ex, ex.Message);
        }
    }
}
