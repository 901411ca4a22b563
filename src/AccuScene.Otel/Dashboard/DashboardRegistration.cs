using AccuScene.Otel.Alerts;
using AccuScene.Otel.Dashboard.Sources;
using AccuScene.Otel.Events;
using AccuScene.Otel.Health;
using AccuScene.Otel.Metrics.InProcess;
using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Dashboard;

/// <summary>
/// Registers the dashboard: its model, its consumer of the in-process reader (when
/// <c>AccuScene:Dashboard:Enabled</c>), and the adapters that read the health, alerts and events sections from
/// those features when they are registered.
/// </summary>
internal static class DashboardRegistration
{
    public static void Add(
        IServiceCollection services,
        Func<IServiceProvider, AccuSceneDashboardOptions> dashboard,
        Func<IServiceProvider, AccuSceneServiceOptions> service,
        Func<IServiceProvider, string?> namePrefix)
    {
        services.TryAddSingleton(sp => new AccuSceneDashboard(
            dashboard(sp),
            AccuSceneResourceDetector.ServiceName(service(sp), sp.GetService<IConfiguration>()),
            sp.GetService<TimeProvider>(),
            sp,
            namePrefix(sp)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInProcessMetricConsumer, Consumer>(sp => new Consumer(sp, dashboard(sp))));
        services.TryAddSingleton<IDashboardHealthSource>(sp => new HealthDashboardSource(sp.GetService<AccuSceneHealthMonitor>()));
        services.TryAddSingleton<IDashboardAlertsSource>(sp => new AlertsDashboardSource(sp.GetService<AccuSceneAlertEngine>()));
        services.TryAddSingleton<IDashboardEventsSource>(sp => new EventsDashboardSource(sp.GetService<AccuSceneEventStore>()));
    }

    /// <summary>The dashboard's history rings are sized by its own interval, so when it is on it sets the pace.</summary>
    private sealed class Consumer(IServiceProvider services, AccuSceneDashboardOptions options) : IInProcessMetricConsumer
    {
        public int IntervalMilliseconds => options.SampleIntervalMilliseconds;

        public bool SetsPace => true;

        public BaseExporter<Metric>? CreateExporter() =>
            options.Enabled ? services.GetRequiredService<AccuSceneDashboard>().CreateExporter() : null;
    }
}
