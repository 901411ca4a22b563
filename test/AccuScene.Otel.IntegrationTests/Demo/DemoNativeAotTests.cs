using System.Text.RegularExpressions;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// The demo published with Native AOT (<c>dotnet publish src/AccuScene.Otel.Demo -c Release -r linux-x64
/// -p:PublishAot=true</c>): the publish reports no trim or AOT warning, and the native binary runs the demo
/// with <c>--duration 10s</c>, serves its scene API and dashboard, and exits 0; with an option out of its range it
/// refuses to start, naming the key. Needs Debian's clang and zlib1g-dev.
/// </summary>
[NonParallelizable]
public partial class DemoNativeAotTests
{
    [Test]
    [CancelAfter(600_000)]
    public async Task ThePublish_HasNoTrimOrAotWarning_AndTheBinaryRunsTheDemo(CancellationToken cancellationToken)
    {
        RequiredBinary.Require("/usr/bin/clang", "apt-get install -y clang zlib1g-dev");
        RequiredBinary.Require("/usr/include/zlib.h", "apt-get install -y clang zlib1g-dev");
        var project = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(BuildPaths.Get("DemoAssemblyPath"))!, "../../../AccuScene.Otel.Demo.csproj"));
        Assert.That(File.Exists(project), Is.True, project);
        var output = Directory.CreateTempSubdirectory("accuscene-aot-").FullName;
        try
        {
            // Its own intermediate folders, so the publish never races the test run's build of the demo.
            var artifacts = Path.Combine(output, "artifacts");
            using var publish = ServerProcess.Start(
                "dotnet",
                ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", Path.Combine(output, "bin"), "--artifacts-path", artifacts, "-nologo"],
                new Dictionary<string, string>());
            Assert.That(await publish.WaitForExitAsync(TimeSpan.FromMinutes(8), cancellationToken), Is.True, "the publish finished");
            var log = publish.Output;
            var warnings = TrimOrAotWarning().Matches(log).Select(m => m.Value).Distinct().ToList();
            var anyWarning = log.Split('\n').Where(l => l.Contains(": warning ", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.That(publish.ExitCode, Is.Zero, log[^Math.Min(4000, log.Length)..]);
            Assert.That(warnings, Is.Empty, "trim and AOT warnings");
            Assert.That(anyWarning, Is.Empty, "no warning of any kind");

            var binary = Path.Combine(output, "bin", "AccuScene.Otel.Demo");
            Assert.That(File.Exists(binary), Is.True, binary);
            var port = LoopbackPort.GetFree();
            using var demo = ServerProcess.Start(
                binary,
                ["--duration", "10s", "--urls", $"http://127.0.0.1:{port}"],
                new Dictionary<string, string> { ["AccuScene__Exporters__Prometheus__Port"] = LoopbackPort.GetFree().ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Path.Combine(output, "bin"));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? scene = null;
            string? data = null;
            for (var attempt = 0; attempt < 40 && (scene is null || data is null) && !demo.HasExited; attempt++)
            {
                try
                {
                    scene ??= await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/scenes/scene-1"), cancellationToken);
                    data ??= await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/dashboard/data"), cancellationToken);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(250, cancellationToken);
                }
            }

            Assert.That(await demo.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken), Is.True, "the native demo stops after --duration");
            Assert.That(demo.ExitCode, Is.Zero, demo.Output[^Math.Min(4000, demo.Output.Length)..]);
            Assert.That(demo.Output, Does.Contain($"http://127.0.0.1:{port}/dashboard"));
            Assert.That(scene, Does.Contain("\"mass_kg\":1450"), "the scene API answers with its source-generated JSON");
            Assert.That(data, Does.Contain("\"schema\":\"accuscene.dashboard/v1\""));
            Assert.That(demo.Output, Does.Match(@"completed: \d+ collision\(s\) in"), "the physics ran");

            // The ranges are attributes read through the source-generated JSON metadata: trimmed and compiled
            // ahead of time, a value out of range must still stop the start with its key and range.
            using var refused = ServerProcess.Start(
                binary,
                ["--duration", "10s", "--urls", $"http://127.0.0.1:{LoopbackPort.GetFree()}"],
                new Dictionary<string, string> { ["AccuScene__Dashboard__MaxStreams"] = "0" },
                Path.Combine(output, "bin"));
            Assert.That(await refused.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken), Is.True, "the native demo stops on bad options");
            Assert.That(refused.ExitCode, Is.Not.Zero);
            Assert.That(refused.Output, Does.Contain("AccuScene:Dashboard:MaxStreams must be between 1 and 1000; it is 0."));
            TestContext.Out.WriteLine($"native AOT: {warnings.Count} trim/AOT warnings; binary {new FileInfo(binary).Length / (1024 * 1024)} MiB ran --duration 10s, exit {demo.ExitCode}; MaxStreams=0 refused, exit {refused.ExitCode}");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [GeneratedRegex(@"warning (IL\d{4}|AOT\d*|IL3\d{3})")]
    private static partial Regex TrimOrAotWarning();
}
