using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AccuScene.Otel.Logging;

/// <summary>
/// A logger provider that logs nothing: the logger factory hands it the scope provider it shares with every
/// provider, so <see cref="ScopesAndRedactionProcessor"/> can read the current scopes, mask them and add them
/// to the record's attributes. OpenTelemetry's own scope capture is turned off, because exporters would read
/// scope values from the scope provider, where no processor can mask them.
/// </summary>
internal sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public IExternalScopeProvider? Scopes => Volatile.Read(ref _scopes);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => Volatile.Write(ref _scopes, scopeProvider);

    public ILogger CreateLogger(string categoryName) => NullLogger.Instance;

    public void Dispose()
    {
    }
}
