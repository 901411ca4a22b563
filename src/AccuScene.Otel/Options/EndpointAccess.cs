using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel;

/// <summary>
/// Who may read and change through the SDK's endpoints: <c>AccuScene:Endpoints:RequireTokens</c>,
/// <c>AccuScene:Endpoints:ReadToken</c> and <c>AccuScene:Alerts:AcknowledgeToken</c>, as every entry point
/// reads them. <c>services.AddAccuScene()</c> registers the options themselves; each per-signal builder
/// (<c>WithTracing(t =&gt; t.AddAccuScene())</c>, <c>ILoggingBuilder.AddAccuScene()</c>) registers its own
/// reading of them, and the strictest wins; with neither in the app's services (a provider built by
/// <c>Sdk.Create…</c>), the <c>AccuScene__*</c> environment variables decide, read once.
/// </summary>
internal sealed record EndpointAccess(bool RequireTokens, string? ReadToken, string? AcknowledgeToken)
{
    private static readonly Lazy<EndpointAccess> FromEnvironment = new(() =>
        From(AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure: null)));

    public static EndpointAccess From(AccuSceneOptions options) =>
        new(options.Endpoints.RequireTokens, options.Endpoints.ReadToken, options.Alerts.AcknowledgeToken);

    /// <summary>Registers a per-signal builder's reading of the options.</summary>
    public static void Register(IServiceCollection services, AccuSceneOptions options) => services.AddSingleton(From(options));

    /// <summary>Returns the settings in effect for <paramref name="services"/>.</summary>
    public static EndpointAccess Resolve(IServiceProvider services)
    {
        if (services.GetService<AccuSceneOptions>() is { } options)
        {
            return From(options);
        }

        // Builders configured apart may disagree: tokens are required when any asks for them, and a token set
        // by one is not dropped because another left it out.
        EndpointAccess? merged = null;
        foreach (var access in services.GetServices<EndpointAccess>())
        {
            merged = merged is null
                ? access
                : new(merged.RequireTokens || access.RequireTokens, merged.ReadToken ?? access.ReadToken, merged.AcknowledgeToken ?? access.AcknowledgeToken);
        }

        return merged ?? FromEnvironment.Value;
    }
}
