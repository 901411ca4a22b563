using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>
/// The options factory of <c>AddAccuScene()</c>: the standard <see cref="OptionsFactory{TOptions}"/>, with the alert
/// rules file read after every post-configuration, and one more thing: while the reload source tells the monitor
/// that the options changed, <see cref="Create"/> hands out the instance the source has just built and validated
/// (<see cref="AccuSceneOptionsOffer"/>), to the monitor and to any thread that reads it meanwhile, instead of
/// building (and reading the rules file) a second time. So the monitor, the alert rules and the log levels cannot see
/// two different reloads, and a file that breaks between two reads cannot leave the monitor without options.
/// Transient, as the standard factory is; the offer is the one shared piece.
/// </summary>
internal sealed class AccuSceneOptionsFactory : IOptionsFactory<AccuSceneOptions>
{
    private readonly OptionsFactory<AccuSceneOptions> _inner;
    private readonly AccuSceneOptionsOffer _offer;

    public AccuSceneOptionsFactory(
        IEnumerable<IConfigureOptions<AccuSceneOptions>> setups,
        IEnumerable<IPostConfigureOptions<AccuSceneOptions>> postConfigures,
        IEnumerable<IValidateOptions<AccuSceneOptions>> validations,
        string sectionPath,
        AccuSceneOptionsOffer offer)
    {
        _inner = new OptionsFactory<AccuSceneOptions>(setups, [.. postConfigures, new AccuSceneRulesFileBinding(sectionPath)], validations);
        _offer = offer;
    }

    /// <summary>The offered instance while a reload hands it out; else a fresh, validated one.</summary>
    public AccuSceneOptions Create(string name) =>
        name == Options.DefaultName && _offer.Offered is { } offered ? offered : _inner.Create(name);

    /// <summary>Builds and validates a fresh instance, whatever is offered.</summary>
    public AccuSceneOptions Build(string name) => _inner.Create(name);
}

/// <summary>The instance a reload hands out while it tells the monitor; shared by every factory of one container.</summary>
internal sealed class AccuSceneOptionsOffer
{
    private AccuSceneOptions? _offered;

    public AccuSceneOptions? Offered => Volatile.Read(ref _offered);

    /// <summary>Offers <paramref name="options"/> until disposed; a later offer is not withdrawn by an earlier one.</summary>
    public IDisposable Offer(AccuSceneOptions options)
    {
        Volatile.Write(ref _offered, options);
        return new Withdrawal(this, options);
    }

    private sealed class Withdrawal(AccuSceneOptionsOffer owner, AccuSceneOptions options) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref owner._offered, null, options);
    }
}
