using AccuScene.Otel.Alerts;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Events;
using AccuScene.Otel.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.AspNetCore;

/// <summary>
/// A small Kestrel server for worker processes that have no web host: it serves the health probes and, under
/// <c>AddAccuScene()</c>, the dashboard, <c>/alerts</c> and <c>/events</c>, on <c>AccuScene:Health:Endpoint:Host</c>
/// and <c>Port</c> (127.0.0.1:8081 by default). It is built empty, so the worker's own <c>ASPNETCORE_*</c>
/// settings do not change it. The only mutating routes are the alert acknowledgements (<c>POST /alerts/{id}/ack</c>,
/// <c>POST /dashboard/alerts/{id}/ack</c>), which need <c>AccuScene:Alerts:AcknowledgeToken</c> for a request that is not local.
/// </summary>
internal sealed partial class HealthEndpointHost : IHostedService, IAsyncDisposable
{
    private readonly AccuSceneHealthMonitor _monitor;
    private readonly AccuSceneHealthEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly IServiceProvider? _services;
    private WebApplication? _app;

    public HealthEndpointHost(AccuSceneHealthMonitor monitor, AccuSceneHealthEndpointOptions options, ILogger<HealthEndpointHost> logger, IServiceProvider? services = null)
    {
        _monitor = monitor;
        _options = options;
        _logger = logger;
        _services = services;
    }

    /// <summary>Gets the address the probes are served on, once started.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var host = System.Net.IPAddress.TryParse(_options.Host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]"
            : _options.Host;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://{host}:{_options.Port}"));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(_monitor);

        // A worker's dashboard, alerts and events are served here too, from the app's own services.
        var dashboard = _services?.GetService<AccuSceneDashboard>();
        var engine = _services?.GetService<AccuSceneAlertEngine>();
        var events = _services?.GetService<AccuSceneEventStore>();
        var options = _services?.GetService<AccuSceneOptions>();
        AddIfPresent(builder.Services, dashboard);
        AddIfPresent(builder.Services, engine);
        AddIfPresent(builder.Services, events);
        AddIfPresent(builder.Services, options);
        if (_services is not null && options is null)
        {
            builder.Services.AddSingleton(EndpointAccess.Resolve(_services));
        }
        var app = builder.Build();
        SdkEndpointTelemetry.ExcludeEveryRequestFromAppTelemetry(app);
        app.UseRouting();
        app.MapAccuSceneHealth(_options.Path);
        if (dashboard is not null)
        {
            app.MapAccuSceneDashboard();
        }

        if (engine is not null)
        {
            app.MapAccuSceneAlerts();
        }

        if (events is not null)
        {
            app.MapAccuSceneEvents();
        }
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        this.Address = bound is null ? null : new Uri(bound.TrimEnd('/') + _options.Path + "/");
        Log.Listening(_logger, this.Address?.ToString() ?? "(unknown)");
    }

    private static void AddIfPresent<T>(IServiceCollection services, T? instance)
        where T : class
    {
        if (instance is not null)
        {
            services.AddSingleton(instance);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Information, "Health probes listening on {Address} (live, ready, startup)", EventName = "HealthEndpointListening")]
        public static partial void Listening(ILogger logger, string address);
    }
}
