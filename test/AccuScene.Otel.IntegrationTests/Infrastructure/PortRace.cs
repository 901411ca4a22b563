using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>
/// Starts a server, and starts it again on fresh ports when it lost its port to another process between
/// <see cref="Testing.LoopbackPort.GetFree"/> and its bind. Prints progress, so a slow start shows in the run's output.
/// </summary>
internal static partial class PortRace
{
    private const int Attempts = 3;

    public static async Task<T> StartAsync<T>(string name, Func<Task<T>> start, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            await TestContext.Progress.WriteLineAsync($"[{TestContext.CurrentContext.Test.Name}] starting {name}{(attempt > 1 ? $" (attempt {attempt})" : string.Empty)}");
            try
            {
                var server = await start();
                await TestContext.Progress.WriteLineAsync($"[{TestContext.CurrentContext.Test.Name}] {name} ready after {watch.Elapsed.TotalSeconds:F1} s");
                return server;
            }
            catch (Exception ex) when (attempt < Attempts && LostItsPort().IsMatch(ex.ToString()))
            {
                await TestContext.Progress.WriteLineAsync($"[{TestContext.CurrentContext.Test.Name}] {name} lost its port to another process; starting again on new ports");
            }
        }
    }

    /// <summary>Creates a server and starts it; a server whose start fails is disposed before the next attempt.</summary>
    public static Task<T> StartAsync<T>(string name, Func<T> create, Func<T, Task> start, CancellationToken cancellationToken)
        where T : IDisposable =>
        StartAsync(
            name,
            async () =>
            {
                var server = create();
                try
                {
                    await start(server);
                    return server;
                }
                catch
                {
                    server.Dispose();
                    throw;
                }
            },
            cancellationToken);

    [GeneratedRegex("address already in use|EADDRINUSE|could not bind|bind: address|Address in use", RegexOptions.IgnoreCase)]
    private static partial Regex LostItsPort();
}
