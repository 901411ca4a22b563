using System.Reflection;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

internal static class BuildPaths
{
    public static string Get(string key) =>
        typeof(BuildPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
