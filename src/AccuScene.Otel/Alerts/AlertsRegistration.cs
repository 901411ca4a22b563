using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.Metrics.InProcess;
using AccuScene.Otel.Metrics.Percentiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Registers the alerts feature: its engine (created by the composition, which under
/// <c>AddAccuScene()</c> also follows reloads), its notification delivery, and its consumer of the in-process
/// reader. The engine always exists, so <c>/alerts</c> answers and rules added at run time are fed.
/// </summary>
internal static class AlertsRegistration
{
    public static void Add(
        IServiceCollection services,
        Func<IServiceProvider, AccuSceneAlertsOptions> alerts,
        Func<IServiceProvider, AccuSceneServiceOptions> service,
        Func<IServiceProvider, AccuSceneAlertEngine> createEngine)
    {
        services.TryAddSingleton(createEngine);
        services.TryAddSingleton(sp => AlertChannels.CreateDelivery(sp, alerts(sp), service(sp)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInProcessMetricConsumer, Consumer>(sp => new Consumer(sp, alerts(sp))));
    }

    /// <summary>The rules read every collection; the delivery is created with it, so notifications go out.</summary>
    private sealed class Consumer(IServiceProvider services, AccuSceneAlertsOptions options) : IInProcessMetricConsumer
    {
        public int IntervalMilliseconds => options.EvaluationIntervalMilliseconds;

        public bool SetsPace => false;

        public BaseExporter<Metric>? CreateExporter() =>
            new AlertMetricExporter(services.GetRequiredService<AlertDelivery>().Engine, () => services.GetService<AccuScenePercentiles>());
    }
}
