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
/// <c>accuscene.otel.options.reload_failures</c>, and leaves the previous options in effect: the monitor is never
/// told, so it never throws on a configuration thread.
/// </summary>
internal sealed class AccuSceneOptionsReloadSource : IOptionsChangeTokenSource<AccuSceneOptions>, IDisposable
{
    private readonly IConfigurationSection _section;
    private readonly IOptionsFactory<AccuSceneOptions> _factory;
    private readonly Lazy<ILogger?> _logger;
    private readonly Lock _gate = new();
    private IDisposable _watch;
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);
    private CancellationTokenSource _changed = new();
    private PhysicalFileProvider? _files;
    private string? _rulesFile;
    private long _refused;

    /// <param name="section">The section the options bind to.</param>
    /// <param name="factory">Builds and validates a fresh options instance.</param>
    /// <param name="loggers">
    /// The host's loggers, asked for only when a reload is refused: the log-level filters follow this source, so
    /// resolving them here would be circular.
    /// </param>
    public AccuSceneOptionsReloadSource(IConfigurationSection section, IOptionsFactory<AccuSceneOptions> factory, Func<ILoggerFactory?> loggers)
    {
        _section = section;
        _factory = factory;
        _logger = new Lazy<ILogger?>(() => loggers()?.CreateLogger("AccuScene.Otel.Options"));
        _rulesFile = FullPath(section["Alerts:RulesFile"]);
        _watch = ChangeToken.OnChange(this.SourceToken, this.OnSourceChanged);
    }

    public string Name => Options.DefaultName;

    /// <summary>Gets the options of the last reload that validated, or <see langword="null"/> before the first.</summary>
    public AccuSceneOptions? Current { get; private set; }

    /// <summary>Gets how many reloads were refused as invalid.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <summary>Watches the rules file named by the options in effect (called with them at start and on every reload).</summary>
    public void WatchRulesFile(string? rulesFile)
    {
        IDisposable previous;
        lock (_gate)
        {
            var file = FullPath(rulesFile);
            if (string.Equals(file, _rulesFile, StringComparison.Ordinal))
            {
                return;
            }

            _rulesFile = file;
            previous = _watch;
            _watch = ChangeToken.OnChange(this.SourceToken, this.OnSourceChanged);
        }

        previous.Dispose();
    }

    public void Dispose()
    {
        _watch.Dispose();
        lock (_gate)
        {
            _files?.Dispose();
            _changed.Dispose();
        }
    }

    // The section's reload token, plus the rules file's, so either one wakes the source.
    private IChangeToken SourceToken()
    {
        lock (_gate)
        {
            var section = _section.GetReloadToken();
            if (_rulesFile is not { } file || Path.GetDirectoryName(file) is not { } directory || !Directory.Exists(directory))
            {
                return section;
            }

            if (_files is null || !string.Equals(_files.Root.TrimEnd(Path.DirectorySeparatorChar), directory, StringComparison.Ordinal))
            {
                _files?.Dispose();
                _files = new PhysicalFileProvider(directory, Microsoft.Extensions.FileProviders.Physical.ExclusionFilters.None);
            }

            return new CompositeChangeToken([section, _files.Watch(Path.GetFileName(file))]);
        }
    }

    private static string? FullPath(string? file) => string.IsNullOrWhiteSpace(file) ? null : Path.GetFullPath(file);

    private void OnSourceChanged()
    {
        // As the JSON configuration provider does: let the writer finish before reading.
        Thread.Sleep(ReloadDelay);
        AccuSceneOptions next;
        try
        {
            next = _factory.Create(this.Name);
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or IOException or FormatException)
        {
            Interlocked.Increment(ref _refused);
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.OptionsReloadFailures, 1);
            AccuSceneEventSource.Log.OptionsReloadRefused(ex.Message);
            if (_logger.Value is { } logger)
            {
                AccuSceneOptionsLog.ReloadRefused(logger, ex, ex.Message);
            }
            return;
        }

        CancellationTokenSource fired;
        lock (_gate)
        {
            this.Current = next;
            _rulesFile = FullPath(next.Alerts.RulesFile);
            fired = _changed;
            _changed = new CancellationTokenSource();
        }

        fired.Cancel();
        fired.Dispose();
    }
}
