using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Options;

/// <summary>
/// The labels that name the service before the first collection (alerts' <c>job</c>, the dashboard's title) read
/// <c>OTEL_RESOURCE_ATTRIBUTES</c> as OpenTelemetry decodes it into the resource it exports.
/// </summary>
public sealed class ResourceIdentityTests
{
    [TestCase("service.namespace=team+a,service.name=orders")]
    [TestCase("service.namespace=team%20a%2Cb,service.name=or%3Dders")]
    [CancelAfter(30_000)]
    public async Task IdentityLabels_FromConfiguration_EqualThoseOfTheExportedResource(string attributes, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_RESOURCE_ATTRIBUTES"] = attributes });
        builder.Services.AddAccuScene();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var exported = AccuSceneResourceDetector.IdentityLabels(host.Services.GetRequiredService<TracerProvider>().GetResource());
        var early = AccuSceneResourceDetector.IdentityLabels(new AccuSceneServiceOptions(), host.Services.GetRequiredService<IConfiguration>());
        await host.StopAsync(cancellationToken);

        TestContext.Out.WriteLine($"exported job '{exported.GetValueOrDefault("job")}', read early '{early.GetValueOrDefault("job")}'");
        Assert.That(early["job"], Is.EqualTo(exported["job"]));
    }
}
