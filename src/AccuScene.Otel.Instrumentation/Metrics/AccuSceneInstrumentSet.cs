using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Metrics;

/// <summary>
/// Base of the domain instrument sets: owns (or borrows from an <see cref="IMeterFactory"/>) one
/// <see cref="System.Diagnostics.Metrics.Meter"/>, names AccuScene instruments with the optional prefix, and
/// counts every run-time value it refuses (a measurement, a tag value it cannot tell) on <c>accuscene.metrics.rejected</c> and every tag value it cuts to
/// <see cref="MaxTagValueLength"/> characters on <c>accuscene.metrics.truncated</c>. Only the sets of this library derive
/// from it; an app defines its own instruments on its own <see cref="System.Diagnostics.Metrics.Meter"/>.
/// </summary>
public abstract class AccuSceneInstrumentSet : IDisposable
{
    /// <summary>
    /// The longest tag value (a cache or pool name, a route, an operation, an error type) an instrument keeps:
    /// OpenTelemetry holds up to 2,000 tag sets per metric for the life of the process, so a value taken from data
    /// (a raw request path) is cut here, which keeps that store bounded in bytes.
    /// </summary>
    internal const int MaxTagValueLength = 256;

    private readonly bool _ownsMeter;
    private volatile bool _disposed;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _truncated;

    /// <summary>Creates the set's meter.</summary>
    /// <param name="meterName">The meter name, <c>AccuScene.*</c>.</param>
    /// <param name="meterFactory">The DI meter factory, or <see langword="null"/> to create the meter directly.</param>
    /// <param name="namePrefix">
    /// A prefix put in front of every <c>accuscene.*</c> instrument name (for example <c>lab.</c> gives
    /// <c>lab.accuscene.simulation.frames</c>); semantic-convention names such as
    /// <c>db.client.operation.duration</c> are never prefixed.
    /// </param>
    private protected AccuSceneInstrumentSet(string meterName, IMeterFactory? meterFactory, string? namePrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(meterName);
        // As AccuScene:Metrics:NamePrefix: an instrument name OpenTelemetry refuses would drop every accuscene.* metric
        // of the set with no more than a self-diagnostics event.
        if (namePrefix is not null && !IsNamePrefix(namePrefix))
        {
            throw new ArgumentException("The name prefix must be 1 to 32 lower-case letters, digits, '_' or '.', starting with a letter.", nameof(namePrefix));
        }

        this.NamePrefix = namePrefix ?? "";
        var options = new MeterOptions(meterName) { Version = AccuSceneTelemetry.Version };
        if (meterFactory is null)
        {
            this.Meter = new Meter(options);
            _ownsMeter = true;
        }
        else
        {
            this.Meter = meterFactory.Create(options);
        }

        _rejected = this.Meter.CreateCounter<long>(
            this.Name("accuscene.metrics.rejected"), "{value}", "Values refused by AccuScene instruments (negative, NaN or infinite measurements; a url.scheme other than http or https).");
        _truncated = this.Meter.CreateCounter<long>(
            this.Name("accuscene.metrics.truncated"), "{value}", "Tag values cut to 256 characters by AccuScene instruments.");
    }

    private static bool IsNamePrefix(string prefix) =>
        prefix.Length is > 0 and <= 32 && char.IsAsciiLetterLower(prefix[0]) && prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.');

    /// <summary>Gets the meter every instrument of this set lives on.</summary>
    public Meter Meter { get; }

    /// <summary>Gets the prefix put before <c>accuscene.*</c> names ("" when none).</summary>
    public string NamePrefix { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        this.Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Gets a value indicating whether the set was disposed. A meter borrowed from an <see cref="IMeterFactory"/> stays
    /// with the factory, and an observable instrument cannot be withdrawn on its own, so a disposed set's callbacks
    /// read this and report nothing more.
    /// </summary>
    private protected bool IsDisposed => _disposed;

    /// <summary>Disposes the meter when this set created it.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    private protected virtual void Dispose(bool disposing)
    {
        _disposed = true;
        if (disposing && _ownsMeter)
        {
            this.Meter.Dispose();
        }
    }

    /// <summary>Applies the prefix to an <c>accuscene.*</c> name.</summary>
    /// <param name="accuSceneName">The unprefixed name.</param>
    /// <returns>The instrument name.</returns>
    private protected string Name(string accuSceneName) => this.NamePrefix + accuSceneName;

    /// <summary>Returns whether <paramref name="value"/> is a finite, non-negative measurement; counts it when not.</summary>
    /// <param name="value">The value.</param>
    /// <param name="instrument">The instrument it was meant for.</param>
    /// <returns><see langword="true"/> when it may be recorded.</returns>
    private protected bool Accept(double value, string instrument)
    {
        if (value >= 0 && !double.IsInfinity(value))
        {
            return true;
        }

        this.Reject(instrument);
        return false;
    }

    /// <summary>Counts a value refused for <paramref name="instrument"/> on <c>accuscene.metrics.rejected</c>.</summary>
    /// <param name="instrument">The instrument it was meant for.</param>
    private protected void Reject(string instrument) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("instrument", this.Prefixed(instrument)));

    /// <summary>Returns <paramref name="value"/>, cut to <see cref="MaxTagValueLength"/> characters and counted when longer.</summary>
    /// <param name="value">The tag value.</param>
    /// <param name="instrument">The instrument it is meant for.</param>
    /// <returns>The value to tag with.</returns>
    private protected string Bound(string value, string instrument)
    {
        if (value is null || value.Length <= MaxTagValueLength)
        {
            return value!;
        }

        _truncated.Add(1, new KeyValuePair<string, object?>("instrument", this.Prefixed(instrument)));
        var length = char.IsHighSurrogate(value[MaxTagValueLength - 1]) ? MaxTagValueLength - 1 : MaxTagValueLength;
        return value[..length];
    }

    // The counters name the instrument as it is exported.
    private string Prefixed(string instrument) =>
        this.NamePrefix.Length > 0 && instrument.StartsWith("accuscene.", StringComparison.Ordinal) ? this.Name(instrument) : instrument;
}
