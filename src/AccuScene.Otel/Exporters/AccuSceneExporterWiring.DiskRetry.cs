using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Exporters;

/// <summary>OpenTelemetry's disk retry for the OTLP exporters, in a directory made private to this process.</summary>
internal static partial class AccuSceneExporterWiring
{
    private const string DirectoryKey = "Exporters:Otlp:DiskRetry:Directory";

    private const UnixFileMode OwnerOnlyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode ParentMode = OwnerOnlyMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    // OpenTelemetry's switch for its own permission checks of the disk-retry path.
    private const string CheckPermissionsVariable = "OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_CHECK_PERMISSIONS";

    // OpenTelemetry's OTLP exporters keep each signal's stored requests in a directory of its own.
    private static readonly string[] SignalDirectories = ["traces", "metrics", "logs"];

    /// <summary>
    /// Turns on OpenTelemetry's own disk retry (<c>OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=disk</c>). The OTLP
    /// exporter reads that switch from <see cref="IConfiguration"/>, so the two keys are layered over the
    /// configuration already registered (or over the environment when there is none).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="diskRetry">The settings.</param>
    /// <param name="section">The path of the section the options are read from, in which an error names the key.</param>
    public static void AddDiskRetry(IServiceCollection services, AccuSceneDiskRetryOptions diskRetry, string section = "AccuScene")
    {
        if (!diskRetry.Enabled || services.Any(d => d.ServiceType == typeof(DiskRetryMarker)))
        {
            return;
        }

        string directory;
        try
        {
            directory = Path.GetFullPath(diskRetry.Directory!);
            CreatePrivateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OptionsValidationException(
                Microsoft.Extensions.Options.Options.DefaultName,
                typeof(AccuSceneOtlpExporterOptions),
                [$"{section}:{DirectoryKey} must be a directory this process can create and write, readable by its owner only (mode 0700); '{diskRetry.Directory}' failed: {ex.Message}"]);
        }

        var overlay = new Dictionary<string, string?>
        {
            [RetryKey] = "disk",
            [RetryDirectoryKey] = directory,
        };

        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IConfiguration) && !d.IsKeyedService);
        services.AddSingleton<DiskRetryMarker>();
        services.AddSingleton<IConfiguration>(sp =>
        {
            var builder = new ConfigurationBuilder();
            var inner = existing switch
            {
                { ImplementationInstance: IConfiguration instance } => instance,
                { ImplementationFactory: { } factory } => (IConfiguration)factory(sp),
                _ => null,
            };
            if (inner is null)
            {
                builder.AddEnvironmentVariables();
            }
            else
            {
                builder.AddConfiguration(inner, shouldDisposeConfiguration: false);
            }

            return builder.AddInMemoryCollection(overlay).Build();
        });
    }

    /// <summary>
    /// Creates the disk-retry directory, and the per-signal directories OpenTelemetry keeps in it, with mode
    /// 0700 whatever the umask, and tightens existing ones that group or others may use: OpenTelemetry 1.21
    /// refuses such a directory on Linux and macOS, and creates its own per-signal directories under the
    /// process umask (so under <c>umask 002</c> it would refuse the ones it made itself). A directory this
    /// process cannot change fails.
    /// </summary>
    internal static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        // The directories above it that do not exist yet are made 0755: Directory.CreateDirectory would make them
        // under the umask (0775 under umask 002), and OpenTelemetry refuses a path through a group-writable one.
        var missing = new Stack<string>();
        for (var path = directory; !string.IsNullOrEmpty(path) && !Directory.Exists(path); path = Path.GetDirectoryName(path))
        {
            missing.Push(path);
        }

        foreach (var path in missing)
        {
            Directory.CreateDirectory(path, path == directory ? OwnerOnlyMode : ParentMode);
        }

        CreateOwnerOnly(directory);
        foreach (var signal in SignalDirectories)
        {
            CreateOwnerOnly(Path.Combine(directory, signal));
        }

        ThrowIfAParentIsOpen(directory);
    }

    // OpenTelemetry 1.21 also refuses the path when a directory above it may be written by group or others without
    // the sticky bit (a Kubernetes emptyDir is 0777): said here, under the key, rather than by the exporter. Its
    // owner (OpenTelemetry also wants the user or root) is not read: .NET has no API for it.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void ThrowIfAParentIsOpen(string directory)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(CheckPermissionsVariable), "false", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        for (var parent = Path.GetDirectoryName(directory); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            var mode = File.GetUnixFileMode(parent);
            if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0 && (mode & UnixFileMode.StickyBit) == 0)
            {
                throw new UnauthorizedAccessException(
                    $"'{parent}', above it, has mode {Convert.ToString((int)mode, 8)}: group or others may write it, without the sticky bit, and OpenTelemetry refuses such a path; choose a directory under a private one, or set {CheckPermissionsVariable}=false.");
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnly(string directory)
    {
        const UnixFileMode OwnerOnly = OwnerOnlyMode;
        var info = Directory.CreateDirectory(directory, OwnerOnly);
        if ((info.UnixFileMode & ~OwnerOnly) != 0)
        {
            var wider = info.UnixFileMode;
            try
            {
                File.SetUnixFileMode(directory, OwnerOnly);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new UnauthorizedAccessException(
                    $"'{directory}' exists with mode {Convert.ToString((int)wider, 8)}, which group or others may use, and this process cannot change it to 0700 ({ex.Message}); change it with 'chmod 700' or choose another directory.",
                    ex);
            }
        }
    }

    private sealed class DiskRetryMarker;
}
