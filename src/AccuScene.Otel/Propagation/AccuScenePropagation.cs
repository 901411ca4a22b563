using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Propagation;

/// <summary>
/// Installs the AccuScene propagators process-wide, so <see cref="DistributedContextPropagator.Current"/>
/// (used by HttpClient and ASP.NET Core) and <see cref="Propagators.DefaultTextMapPropagator"/> (used by
/// OpenTelemetry instrumentation) carry the same fields.
/// </summary>
internal static class AccuScenePropagation
{
    public static AccuSceneDistributedContextPropagator Install(PropagatedHeaders headers)
    {
        var propagator = new AccuSceneDistributedContextPropagator(headers);
        DistributedContextPropagator.Current = propagator;
        Sdk.SetDefaultTextMapPropagator(CreateTextMapPropagator(headers, propagator));
        return propagator;
    }

    /// <summary>
    /// ASP.NET Core takes its propagator from DI, registered when the host is created: hands it the one the tracer
    /// provider installs process-wide when it is built (so it is built first). Without this, requests would be read
    /// by .NET's plain W3C propagator: no x-accuscene-* headers, none of the checks.
    /// </summary>
    /// <remarks>
    /// HttpClient's handler takes <see cref="DistributedContextPropagator.Current"/> when it is created
    /// (<c>SocketsHttpHandler.ActivityHeadersPropagator</c>), and a host creates every hosted service before it starts
    /// any, OpenTelemetry's (which builds the providers) included: a typed client injected into a worker would keep
    /// .NET's propagator for its handler's life. So the propagator is also installed by the first hosted service the
    /// host creates, before the app's.
    /// </remarks>
    public static void ServeToHost(IServiceCollection services)
    {
        services.RemoveAll<DistributedContextPropagator>();
        services.TryAddSingleton<ProviderBuild>();
        services.AddSingleton(sp => sp.GetRequiredService<ProviderBuild>().Propagator(sp));
        if (!services.Any(d => !d.IsKeyedService && d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(InstallFirst)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, InstallFirst>());
        }
    }

    /// <summary>OpenTelemetry's propagator: trace context read by <paramref name="rules"/>' rules (a new one's when not given), then baggage and the AccuScene headers.</summary>
    public static TextMapPropagator CreateTextMapPropagator(PropagatedHeaders headers, AccuSceneDistributedContextPropagator? rules = null) =>
        new CompositeTextMapPropagator([new AccuSceneTraceContextPropagator(rules ?? new AccuSceneDistributedContextPropagator(headers)), new AccuSceneTextMapPropagator(headers)]);

    // The propagator the built tracer provider installed, or the failure of its build for every later resolution too:
    // OpenTelemetry builds a provider once, and refuses a second attempt with a message that names nothing the app set.
    private sealed class ProviderBuild
    {
        private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failed;
        private DistributedContextPropagator? _built;

        public DistributedContextPropagator Propagator(IServiceProvider services)
        {
            _failed?.Throw();
            if (_built is null)
            {
                try
                {
                    _ = services.GetService<TracerProvider>();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _failed = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
                    throw;
                }

                _built = DistributedContextPropagator.Current;
            }

            return _built;
        }
    }

    // Created first of the hosted services: resolving the propagator builds the tracer provider, which installs it.
    private sealed class InstallFirst : IHostedLifecycleService
    {
        private readonly System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failed;

        public InstallFirst(IServiceProvider services)
        {
            try
            {
                _ = services.GetService<DistributedContextPropagator>();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Reported by the start, before OpenTelemetry's hosted service starts (in StartingAsync, as it does): thrown
                // here, it would leave the host unable to stop, and OpenTelemetry cannot build the provider again to report it.
                _failed = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }

        public Task StartingAsync(CancellationToken cancellationToken)
        {
            _failed?.Throw();
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
