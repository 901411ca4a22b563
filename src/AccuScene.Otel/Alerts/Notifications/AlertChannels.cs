using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Alerts.Notifications;

/// <summary>Builds the delivery from configuration (<c>AccuScene:Alerts:Alertmanager</c>, <c>Webhooks</c>) and the registered <see cref="IAlertChannel"/> services.</summary>
internal static class AlertChannels
{
    public static AlertDelivery CreateDelivery(IServiceProvider services, AccuSceneAlertsOptions alerts, AccuSceneServiceOptions service)
    {
        var time = services.GetService<TimeProvider>();
        // The resource's service.name, as the alert's own job label and the dashboard read it.
        var source = AccuSceneResourceDetector.ServiceName(service, services.GetService<IConfiguration>());
        var channels = new List<IAlertChannel>();
        if (alerts.Alertmanager.Url is not null)
        {
            channels.Add(new AlertmanagerAlertChannel(alerts.Alertmanager, time));
        }

        channels.AddRange(alerts.Webhooks.Select(w => new WebhookAlertChannel(w, source)));
        var owned = channels.OfType<IDisposable>().ToList(); // channels registered as services belong to the container
        channels.AddRange(services.GetServices<IAlertChannel>());
        return new AlertDelivery(services.GetRequiredService<AccuSceneAlertEngine>(), channels, alerts.Delivery, time, owned);
    }
}
