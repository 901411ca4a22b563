using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.Dashboard;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// What names the service outside the resource (the dashboard's title, a webhook's <c>source</c>) is the resource's
/// <c>service.name</c>, from wherever the host's configuration gives it, so an alert's payload names the same service as
/// its <c>job</c> label and its spans.
/// </summary>
public class ServiceNameAgreementTests
{
    [TestCase("OTEL_SERVICE_NAME", "orders-api", "orders-api")]
    [TestCase("OTEL_RESOURCE_ATTRIBUTES", "service.name=billing,service.namespace=shop", "billing")]
    [TestCase("AccuScene:Service:Name", "scenes", "scenes")]
    public void TheWebhookSourceAndTheDashboard_NameTheResourcesService(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [key] = value,
            ["AccuScene:Alerts:Webhooks:0:Url"] = "http://127.0.0.1:9/hooks",
            ["AccuScene:Alerts:Rules:0:Name"] = "any",
            ["AccuScene:Alerts:Rules:0:Metric"] = "accuscene.tests.service.name",
        });
        builder.Services.AddAccuScene();
        using var host = builder.Build();

        var webhook = host.Services.GetRequiredService<AlertDelivery>().Channels.OfType<WebhookAlertChannel>().Single();
        var dashboard = host.Services.GetRequiredService<AccuSceneDashboard>();
        Assert.Multiple(() =>
        {
            // Before, a webhook read only the process's OTEL_SERVICE_NAME and said "accuscene"; the dashboard missed the attributes.
            Assert.That(webhook.Source, Is.EqualTo(expected));
            Assert.That(dashboard.Service, Is.EqualTo(expected));
        });
    }

    [Test]
    public void TheWebhookSourceAndTheDashboard_NameTheProvidersService_OnceItCollected_WhenTheAppNamesItInCode()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Service:Name"] = "from-options",
            ["AccuScene:Alerts:Webhooks:0:Url"] = "http://127.0.0.1:9/hooks",
            ["AccuScene:Alerts:Rules:0:Name"] = "any",
            ["AccuScene:Alerts:Rules:0:Metric"] = "accuscene.tests.service.name",
        });
        builder.Services.AddAccuScene().ConfigureResource(r => r.AddService("checkout"));
        using var host = builder.Build();
        var webhook = host.Services.GetRequiredService<AlertDelivery>().Channels.OfType<WebhookAlertChannel>().Single();
        var dashboard = host.Services.GetRequiredService<AccuSceneDashboard>();
        var before = (webhook.Source, dashboard.Service);

        host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.That(before, Is.EqualTo(("from-options", "from-options")));
        Assert.That((webhook.Source, dashboard.Service), Is.EqualTo(("checkout", "checkout")));
    }
}
