using System.Reflection;
using System.Runtime.CompilerServices;
using AccuScene.Otel.Instrumentation;
using PublicApiGenerator;

namespace AccuScene.Otel.Tests.PublicApi;

/// <summary>
/// The public API baseline: a change to the public surface fails here until the matching
/// <c>*.approved.txt</c> is updated in the same commit (copy the <c>*.received.txt</c> written beside it).
/// </summary>
public class PublicApiTests
{
    [TestCase(typeof(AccuSceneOptions))]
    [TestCase(typeof(AccuSceneTelemetry))]
    [TestCase(typeof(Microsoft.AspNetCore.Builder.AccuSceneHealthEndpointRouteBuilderExtensions))]
    public void PublicApi_MatchesTheApprovedBaseline(Type marker)
    {
        var assembly = marker.Assembly;
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],

            // Extension classes live in the namespaces they extend, which the generator skips by default.
            AllowNamespacePrefixes = ["Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Logging", "Microsoft.AspNetCore.Builder"],
        })
            .ReplaceLineEndings("\n");
        var approvedPath = Path.Combine(Folder(), assembly.GetName().Name + ".approved.txt");
        var receivedPath = Path.ChangeExtension(approvedPath, null).Replace(".approved", ".received", StringComparison.Ordinal) + ".txt";
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";

        if (approved != api)
        {
            File.WriteAllText(receivedPath, api);
        }
        else if (File.Exists(receivedPath))
        {
            File.Delete(receivedPath);
        }

        Assert.That(api, Is.EqualTo(approved), $"Public API changed; review {receivedPath} and copy it over {approvedPath}.");
    }

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
