using System.Diagnostics;
using System.Globalization;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>
/// A real PostgreSQL (the newest major version installed; 15 on Debian bookworm) on a free loopback port with a temporary data directory, run as the
/// <c>postgres</c> user (it refuses root) through <c>runuser</c>, and started and stopped with <c>pg_ctl</c>,
/// which signals the server by the PID in its data directory.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    public const string InstallHint = "apt-get install -y postgresql";

    /// <summary>Debian's PostgreSQL binaries, of the newest major version installed (15 on bookworm).</summary>
    public static readonly string BinDirectory = FindBinDirectory();

    private readonly string _directory;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        this.Port = port;
    }

    public int Port { get; }

    public string ConnectionString =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={this.Port};Username=postgres;Database=postgres;Pooling=false;Timeout=2;Command Timeout=2");

    private string DataDirectory => Path.Combine(_directory, "data");

    public static Task<PostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        RequiredBinary.Require(Path.Combine(BinDirectory, "initdb"), InstallHint);
        return PortRace.StartAsync(
            "postgres",
            () =>
            {
                var directory = Path.Combine(Path.GetTempPath(), "accuscene-pg-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(directory);
                return new PostgresServer(directory, LoopbackPort.GetFree());
            },
            async server =>
            {
                await RunAsync("chown", ["postgres:postgres", server._directory], cancellationToken);
                await RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, "initdb"), "-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync"], cancellationToken);
                await server.StartAgainAsync(cancellationToken);
            },
            cancellationToken);
    }

    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        var log = Path.Combine(_directory, "server.log");
        var (exitCode, output) = await TryRunAsync(
            "runuser",
            [
                "-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", this.DataDirectory, "-l", log, "-w", "-t", "60",
                "-o", string.Create(CultureInfo.InvariantCulture, $"-p {this.Port} -c listen_addresses=127.0.0.1 -k {_directory} -c fsync=off"), "start",
            ],
            cancellationToken);
        if (exitCode != 0)
        {
            // The reason (a port taken, for one) is in the server's log, not in pg_ctl's output.
            var reason = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : string.Empty;
            throw new InvalidOperationException($"pg_ctl start exited {exitCode}: {output}\n{reason}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => RunAsync(
        "runuser",
        ["-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", this.DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
        cancellationToken);

    public void Dispose()
    {
        // Stops the server if it still runs (pg_ctl signals the PID in the data directory); a server that is
        // already stopped makes pg_ctl exit non-zero, which is fine here. pg_ctl -w gives up by itself after 60 s.
        if (File.Exists(Path.Combine(this.DataDirectory, "postmaster.pid")))
        {
            _ = TryRunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", this.DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None).GetAwaiter().GetResult();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await TryRunAsync(fileName, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {exitCode}: {output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> TryRunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }

    private static string FindBinDirectory()
    {
        const string Root = "/usr/lib/postgresql";
        var found = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(d => (Directory: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out var major) ? major : -1))
                .Where(d => d.Major >= 0 && File.Exists(Path.Combine(d.Directory, "initdb")))
                .OrderByDescending(d => d.Major)
                .Select(d => d.Directory)
                .FirstOrDefault()
            : null;
        return found ?? Path.Combine(Root, "15", "bin"); // not installed: the missing-binary check names the install command
    }
}
