using System.Globalization;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>A real <c>redis-server</c> on a free loopback port with persistence off, started and stopped by PID.</summary>
internal sealed class RedisServer : IDisposable
{
    public const string Binary = "/usr/bin/redis-server";
    public const string InstallHint = "apt-get install -y redis-server";

    private readonly string _directory;
    private ServerProcess? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        this.Port = port;
    }

    public int Port { get; }

    public string Configuration =>
        string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{this.Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000,connectRetry=1");

    public static Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        RequiredBinary.Require(Binary, InstallHint);
        return PortRace.StartAsync(
            "redis-server",
            () => new RedisServer(Directory.CreateTempSubdirectory("accuscene-redis-").FullName, LoopbackPort.GetFree()),
            server => server.StartAgainAsync(cancellationToken),
            cancellationToken);
    }

    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        _process = ServerProcess.Start(
            Binary,
            ["--port", this.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory],
            new Dictionary<string, string>(),
            _directory);
        await AspireDashboard.WaitForAsync(() => Task.FromResult(_process.Output), o => o.Contains("Ready to accept connections", StringComparison.Ordinal) || _process.HasExited, TimeSpan.FromSeconds(30), cancellationToken);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}:\n{_process.Output}");
        }

        if (!_process.Output.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            throw new TimeoutException($"redis-server did not say it was ready within 30 s:\n{_process.Output}");
        }
    }

    public void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        this.Stop();
        Directory.Delete(_directory, recursive: true);
    }
}
