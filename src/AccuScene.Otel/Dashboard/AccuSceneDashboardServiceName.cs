using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel.Dashboard;

/// <summary>The service name the page shows, resolved as the resource's <c>service.name</c> is.</summary>
internal static class AccuSceneDashboardServiceName
{
    public static string Resolve(AccuSceneServiceOptions service, IConfiguration? configuration)
    {
        var fromEnvironment = configuration?["OTEL_SERVICE_NAME"] ?? Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME");
        return service.Name
            ?? (string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment)
            ?? Assembly.GetEntryAssembly()?.GetName().Name
            ?? "accuscene-service";
    }
}
