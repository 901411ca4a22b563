using System.Runtime.Versioning;
using AccuScene.Otel.Exporters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel.Tests.Builders;

/// <summary>
/// OpenTelemetry 1.21 refuses, on Linux and macOS, a disk-retry directory that group or others can write. The
/// directory is created 0700 whatever the umask, and an existing wider one is tightened.
/// </summary>
[NonParallelizable]
[UnsupportedOSPlatform("windows")]
public class DiskRetryDirectoryTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private string _root = null!;

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("accuscene-retry-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public void ADirectoryThatCannotBeCreated_FailsNamingTheKeyInTheOptionsSection()
    {
        var blocker = Path.Combine(_root, "a-file");
        File.WriteAllText(blocker, "not a directory");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Telemetry:Exporters:Otlp:DiskRetry:Enabled"] = "true",
                ["Telemetry:Exporters:Otlp:DiskRetry:Directory"] = Path.Combine(blocker, "retry"),
            })
            .Build();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new ServiceCollection().AddAccuScene(configuration.GetSection("Telemetry")));

        Assert.That(error!.Message, Does.StartWith("Telemetry:Exporters:Otlp:DiskRetry:Directory must be a directory this process can create"));
    }

    [Test]
    public void NewDirectory_UnderUmask002_Is0700()
    {
        var directory = Path.Combine(_root, "otlp", "retry");
        using (ProcessUmask.Set(0b000_000_010))
        {
            AccuSceneExporterWiring.AddDiskRetry(new ServiceCollection(), new AccuSceneDiskRetryOptions { Enabled = true, Directory = directory });
        }

        // OpenTelemetry makes traces/, metrics/ and logs/ under the process umask and then refuses them; and it
        // refuses a path through a directory group may write, as otlp/ would be if it were made under the umask.
        Assert.That(Convert.ToString((int)File.GetUnixFileMode(Path.Combine(_root, "otlp")), 8), Is.EqualTo("755"));
        Assert.That(
            new[] { directory, Path.Combine(directory, "traces"), Path.Combine(directory, "metrics"), Path.Combine(directory, "logs") }.Select(d => Convert.ToString((int)File.GetUnixFileMode(d), 8)),
            Is.All.EqualTo("700"));
    }

    [Test]
    public void AParentThatGroupOrOthersMayWrite_WithoutTheStickyBit_FailsNamingTheKey()
    {
        // A Kubernetes emptyDir is 0777: OpenTelemetry would refuse the path when it creates the exporter.
        var open = Path.Combine(_root, "spool");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            AccuSceneExporterWiring.AddDiskRetry(new ServiceCollection(), new AccuSceneDiskRetryOptions { Enabled = true, Directory = Path.Combine(open, "otlp") }));
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        AccuSceneExporterWiring.AddDiskRetry(new ServiceCollection(), new AccuSceneDiskRetryOptions { Enabled = true, Directory = Path.Combine(open, "sticky") });

        Assert.That(error!.Message, Does.StartWith("AccuScene:Exporters:Otlp:DiskRetry:Directory must be a directory").And.Contain($"'{open}', above it, has mode 777"));
    }

    [Test]
    public void ExistingWorldWritableDirectory_IsTightenedTo0700()
    {
        var directory = Path.Combine(_root, "shared");
        var traces = Path.Combine(directory, "traces");
        Directory.CreateDirectory(traces);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        File.SetUnixFileMode(traces, (UnixFileMode)0b111_111_101);

        AccuSceneExporterWiring.CreatePrivateDirectory(directory);

        Assert.That(File.GetUnixFileMode(directory), Is.EqualTo(OwnerOnly));
        Assert.That(File.GetUnixFileMode(traces), Is.EqualTo(OwnerOnly));
    }
}
