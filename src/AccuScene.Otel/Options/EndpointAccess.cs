using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel;

/// <summary>
/// Who may read and change through the SDK's endpoints: <c>AccuScene:Endpoints:RequireTokens</c>,
/// <c>AccuScene:Endpoints:ReadToken</c> and <c>AccuScene:Alerts:AcknowledgeToken</c>, as every entry point
/// reads them. <c>services.AddAccuScene()</c> registers the options themselves; each per-signal builder
/// (<c>WithTracing(t =&gt; t.AddAccuScene())</c>, <c>ILoggingBuilder.AddAccuScene()</c>) registers its own
/// reading of them (two that set different tokens fail at registration); with neither in the app's services (a
/// provider built by <c>Sdk.Create…</c>), the three <c>AccuScene__*</c> environment variables decide, read
/// alone so that nothing else in the environment can fail a request. Not a record: its text shows no token.
/// </summary>
internal sealed class EndpointAccess(bool requireTokens, string? readToken, string? acknowledgeToken)
{
    private const string RequireTokensKey = "AccuScene:Endpoints:RequireTokens";
    private const string ReadTokenKey = "AccuScene:Endpoints:ReadToken";
    private const string AcknowledgeTokenKey = "AccuScene:Alerts:AcknowledgeToken";

    public bool RequireTokens { get; } = requireTokens;

    public string? ReadToken { get; } = readToken;

    public string? AcknowledgeToken { get; } = acknowledgeToken;

    public static EndpointAccess From(AccuSceneOptions options) =>
        new(options.Endpoints.RequireTokens, options.Endpoints.ReadToken, options.Alerts.AcknowledgeToken);

    /// <summary>Registers a per-signal builder's reading of the options.</summary>
    /// <exception cref="InvalidOperationException">Another builder on these services set a different token.</exception>
    public static void Register(IServiceCollection services, AccuSceneOptions options)
    {
        var access = From(options);
        foreach (var other in services.Where(d => d.ServiceType == typeof(EndpointAccess)).Select(d => d.ImplementationInstance).OfType<EndpointAccess>())
        {
            ThrowIfDiffers(ReadTokenKey, other.ReadToken, access.ReadToken);
            ThrowIfDiffers(AcknowledgeTokenKey, other.AcknowledgeToken, access.AcknowledgeToken);
        }

        services.AddSingleton(access);
    }

    /// <summary>Returns the settings in effect for <paramref name="services"/>. Never throws.</summary>
    public static EndpointAccess Resolve(IServiceProvider services)
    {
        if (services.GetService<AccuSceneOptions>() is { } options)
        {
            return From(options);
        }

        // Tokens are required when any builder asks for them; a token set by one is not dropped because another left it out.
        EndpointAccess? merged = null;
        foreach (var access in services.GetServices<EndpointAccess>())
        {
            merged = merged is null
                ? access
                : new(merged.RequireTokens || access.RequireTokens, merged.ReadToken ?? access.ReadToken, merged.AcknowledgeToken ?? access.AcknowledgeToken);
        }

        return merged ?? FromEnvironment();
    }

    public override string ToString() =>
        $"{nameof(EndpointAccess)} {{ {nameof(this.RequireTokens)} = {this.RequireTokens}, {nameof(this.ReadToken)} = {(this.ReadToken is null ? "none" : "set")}, {nameof(this.AcknowledgeToken)} = {(this.AcknowledgeToken is null ? "none" : "set")} }}";

    // A RequireTokens that is not a boolean requires tokens (closed, not open); a blank token is none.
    private static EndpointAccess FromEnvironment() =>
        new(
            Variable(RequireTokensKey) is { } require && !(bool.TryParse(require, out var required) && !required),
            Variable(ReadTokenKey),
            Variable(AcknowledgeTokenKey));

    private static string? Variable(string key) =>
        (Environment.GetEnvironmentVariable(key.Replace(":", "__", StringComparison.Ordinal)) ?? Environment.GetEnvironmentVariable(key)) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : null;

    private static void ThrowIfDiffers(string key, string? first, string? second)
    {
        if (first is not null && second is not null && !string.Equals(first, second, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Two AddAccuScene() calls on these services set {key} to different values: the endpoints could honour only one. Set it once, in configuration, for all of them.");
        }
    }
}
