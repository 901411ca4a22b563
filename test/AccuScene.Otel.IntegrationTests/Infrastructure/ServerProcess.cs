using System.Diagnostics;
using System.Text;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>A child process started by a fixture, with its output kept, and stopped by its PID.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Gets or sets a directory the process used, deleted once it is stopped (a killed process cleans nothing up).</summary>
    public string? OwnedDirectory { get; set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ServerProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit: <see langword="false"/> when it did not; throws when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="path"/> until it answers 2xx; fails when the process exits or <paramref name="timeout"/> passes.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, string path, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (this.HasExited)
            {
                // Its last lines (an "address already in use", which a port race retries on) drained first; a child
                // that holds the pipe open cannot hold the test past its token.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"{name} exited with {this.ExitCode}:\n{this.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The client's own timeout on a slow first answer: keep waiting until ours.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"{name} did not become ready within {timeout.TotalSeconds} s:\n{this.Output}");
    }

    /// <summary>Stops the process tree by PID and waits for it to go.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        if (this.OwnedDirectory is { } directory && Directory.Exists(directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a child that outlived the kill: the temp directory is left to the OS.
            }
        }
    }

    public void Dispose()
    {
        this.Stop();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
