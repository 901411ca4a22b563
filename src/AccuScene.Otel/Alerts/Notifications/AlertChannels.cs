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
        // The resource's service.name, as the alert's own job label reads it: the provider's once it has collected.
        var engine = services.GetRequiredService<AccuSceneAlertEngine>();
        var fromOptions = AccuSceneResourceDetector.ServiceName(service, services.GetService<IConfiguration>());
        string Source() => engine.ServiceName ?? fromOptions;
        var channels = new List<IAlertChannel>();
        if (alerts.Alertmanager.Url is not null)
        {
            channels.Add(new AlertmanagerAlertChannel(alerts.Alertmanager, time));
        }

        // The channel's name tags its counts: two webhooks on one host and port must not share one.
        var perAuthority = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var webhook in alerts.Webhooks)
        {
            var authority = webhook.Url is { IsAbsoluteUri: true } url ? url.Authority : string.Empty;
            perAuthority[authority] = perAuthority.GetValueOrDefault(authority) + 1;
            channels.Add(new WebhookAlertChannel(webhook, Source, perAuthority[authority]));
        }

        var owned = channels.OfType<IDisposable>().ToList(); // channels registered as services belong to the container
        channels.AddRange(services.GetServices<IAlertChannel>());
        return new AlertDelivery(engine, channels, alerts.Delivery, time, owned);
    }
}
