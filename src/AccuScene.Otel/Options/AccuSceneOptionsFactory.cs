using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>
/// The options factory of <c>AddAccuScene()</c>: the standard <see cref="OptionsFactory{TOptions}"/>, with the alert
/// rules file read after every post-configuration, and one more thing: while the reload source tells the monitor
/// that the options changed, the monitor receives the instance the source has just built and validated, instead of
/// building (and reading the rules file) a second time. So the monitor, the alert rules and the log levels cannot see
/// two different reloads, and a file that breaks between the two reads cannot leave the monitor without options.
/// </summary>
internal sealed class AccuSceneOptionsFactory : IOptionsFactory<AccuSceneOptions>
{
    private readonly OptionsFactory<AccuSceneOptions> _inner;
    private readonly Lock _gate = new();
    private AccuSceneOptions? _offered;
    private int _offeredThread;

    public AccuSceneOptionsFactory(
        IEnumerable<IConfigureOptions<AccuSceneOptions>> setups,
        IEnumerable<IPostConfigureOptions<AccuSceneOptions>> postConfigures,
        IEnumerable<IValidateOptions<AccuSceneOptions>> validations,
        string sectionPath)
    {
        _inner = new OptionsFactory<AccuSceneOptions>(setups, [.. postConfigures, new AccuSceneRulesFileBinding(sectionPath)], validations);
    }

    /// <summary>The offered instance, when the caller is the thread that offered it; else a fresh, validated one.</summary>
    public AccuSceneOptions Create(string name)
    {
        lock (_gate)
        {
            if (_offered is { } offered && name == Options.DefaultName && _offeredThread == Environment.CurrentManagedThreadId)
            {
                _offered = null;
                return offered;
            }
        }

        return _inner.Create(name);
    }

    /// <summary>Builds and validates a fresh instance, whatever is offered.</summary>
    public AccuSceneOptions Build(string name) => _inner.Create(name);

    /// <summary>Offers <paramref name="options"/> to the next <see cref="Create"/> on this thread, until disposed.</summary>
    public IDisposable Offer(AccuSceneOptions options)
    {
        lock (_gate)
        {
            _offered = options;
            _offeredThread = Environment.CurrentManagedThreadId;
        }

        return new Withdrawal(this);
    }

    private sealed class Withdrawal(AccuSceneOptionsFactory factory) : IDisposable
    {
        public void Dispose()
        {
            lock (factory._gate)
            {
                factory._offered = null;
            }
        }
    }
}
