using System.Globalization;
using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using AccuScene.Otel.Logging;

namespace AccuScene.Otel.IntegrationTests.Reliability;

/// <summary>
/// kill -9 of a process while it logs: every line written before its last completed flush is on disk. And a process
/// that ends by <c>Environment.Exit</c> without disposing anything loses no line at all.
/// </summary>
public class FileLogKillTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task EnvironmentExit_WithoutDisposing_KeepsEveryLine(CancellationToken cancellationToken)
    {
        var probeDll = BuildPaths.Get("LogProbeAssemblyPath");
        var directory = Directory.CreateTempSubdirectory("accuscene-exit-").FullName;
        try
        {
            var path = Path.Combine(directory, "probe.log");
            using (var probe = ServerProcess.Start("dotnet", [probeDll, path, "10485760", "exit"], new Dictionary<string, string>()))
            {
                Assert.That(await probe.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken), Is.True, probe.Output);
                Assert.That(probe.ExitCode, Is.EqualTo(3), probe.Output);
                Assert.That(probe.Output, Does.Contain("logged 99"));
            }

            // The flush interval is an hour: only a flush when the process exits writes the buffered lines.
            var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
            var numbers = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("attributes").GetProperty("Line").GetInt64()).ToList();
            Assert.That(numbers, Is.EqualTo(Enumerable.Range(0, 100).Select(n => (long)n)), "the lines logged before Environment.Exit, all of them, in order");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task KillNine_WhileLogging_KeepsEveryLineUpToTheLastCompletedFlush(CancellationToken cancellationToken)
    {
        var probeDll = BuildPaths.Get("LogProbeAssemblyPath");
        Assert.That(File.Exists(probeDll), Is.True, $"the probe is built next to the tests: {probeDll}");
        var directory = Directory.CreateTempSubdirectory("accuscene-kill-").FullName;
        try
        {
            var path = Path.Combine(directory, "probe.log");
            long lastFlushed;
            using (var probe = ServerProcess.Start("dotnet", [probeDll, path, "65536"], new Dictionary<string, string>()))
            {
                await AspireDashboard.WaitForAsync(() => Task.FromResult(probe.Output), o => Flushed(o).Count >= 20 || probe.HasExited, TimeSpan.FromSeconds(60), cancellationToken);
                Assert.That(probe.HasExited, Is.False, probe.Output);
                probe.Stop(); // SIGKILL: no shutdown hook, no final flush
                lastFlushed = Flushed(probe.Output).Max();
            }

            var names = new RollingFileNames(path);
            // Killed between a roll's rename and the new active file's creation, the active file does not exist yet.
            var files = names.FindRolled().Select(r => r.Path).Append(names.ActivePath).Where(File.Exists).ToList();
            var numbers = new HashSet<long>();
            var torn = new List<string>();
            var withTraceId = 0;
            foreach (var file in files)
            {
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    try
                    {
                        using var json = JsonDocument.Parse(lines[i]);
                        numbers.Add(json.RootElement.GetProperty("attributes").GetProperty("Line").GetInt64());
                        withTraceId += json.RootElement.TryGetProperty("trace_id", out _) ? 1 : 0;
                    }
                    catch (JsonException)
                    {
                        torn.Add($"{Path.GetFileName(file)}:{i + 1} of {lines.Length}");
                    }
                }
            }

            var missing = Enumerable.Range(0, (int)lastFlushed + 1).Count(n => !numbers.Contains(n));
            TestContext.Out.WriteLine($"kill -9 after flush of line {lastFlushed}: {numbers.Count} lines in {files.Count} files, {missing} missing up to the flush, torn lines: {(torn.Count == 0 ? "none" : string.Join(", ", torn))}");
            Assert.Multiple(() =>
            {
                Assert.That(missing, Is.Zero, "every line up to the last completed flush survives kill -9");
                Assert.That(files, Has.Count.GreaterThan(2), "the probe rolled files while it ran");
                Assert.That(torn, Has.Count.LessThanOrEqualTo(1), "at most the final line is torn");
                Assert.That(withTraceId, Is.EqualTo(numbers.Count), "lines logged inside spans carry the trace id");
            });
            if (torn.Count == 1)
            {
                var activeLines = File.Exists(path) ? File.ReadAllLines(path).Length : 0;
                Assert.That(torn[0], Is.EqualTo($"{Path.GetFileName(path)}:{activeLines} of {activeLines}"), "only the active file's last line can be torn");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<long> Flushed(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith("flushed ", StringComparison.Ordinal)).Select(l => long.Parse(l.AsSpan(8).Trim(), CultureInfo.InvariantCulture))];
}
