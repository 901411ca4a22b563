using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;
using AccuScene.Otel.Logging;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// The demo with <c>AccuScene__Logging__File__Path</c>, a 32 KiB size limit and the JSON format, for 20 s at
/// five reconstructions a second (the file gets the per-collision debug events the console leaves out): the
/// log rolls at least three times, no file is larger than the limit plus one line, every line is valid
/// JSON with timestamp, level and message, and lines logged inside spans carry the trace id.
/// </summary>
[NonParallelizable]
public class DemoFileLogTests
{
    private const long Limit = 32768;

    [Test]
    [CancelAfter(180_000)]
    public async Task Demo_WritesRollingJsonLogFiles(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("accuscene-demo-log-").FullName;
        try
        {
            var path = Path.Combine(directory, "demo.log");
            var (demo, _, _) = DemoProcess.Start("20s", new Dictionary<string, string>
            {
                ["AccuScene__Logging__File__Path"] = path,
                ["AccuScene__Logging__File__MaxFileSizeBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["AccuScene__Logging__File__Format"] = "json",
            }, ["--rate", "5"]);
            using (demo)
            {
                Assert.That(await demo.WaitForExitAsync(TimeSpan.FromSeconds(90), cancellationToken), Is.True, "the demo stops after --duration:\n" + demo.Output);
                Assert.That(demo.ExitCode, Is.Zero, demo.Output);
            }

            var names = new RollingFileNames(path);
            var rolled = names.FindRolled().Select(r => r.Path).ToList();
            var files = rolled.Append(names.ActivePath).ToList();
            var lines = files.SelectMany(File.ReadAllLines).ToList();
            var longestLine = lines.Max(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1);
            var invalid = 0;
            var inSpans = 0;
            var inSpansWithTraceId = 0;
            foreach (var line in lines)
            {
                try
                {
                    using var json = JsonDocument.Parse(line);
                    var root = json.RootElement;
                    if (!root.TryGetProperty("timestamp", out _) || !root.TryGetProperty("level", out _) || !root.TryGetProperty("message", out _))
                    {
                        invalid++;
                    }

                    // The worker logs these inside its run and step spans.
                    if (root.TryGetProperty("event_name", out var name) && name.GetString() is "BatchStepped" or "simulation.completed")
                    {
                        inSpans++;
                        inSpansWithTraceId += root.TryGetProperty("trace_id", out var traceId) && traceId.GetString()!.Length == 32 ? 1 : 0;
                    }
                }
                catch (JsonException)
                {
                    invalid++;
                }
            }

            var largest = files.Max(f => new FileInfo(f).Length);
            TestContext.Out.WriteLine($"demo log: {rolled.Count} rolled files + active, {lines.Count} lines, largest file {largest} B (limit {Limit} B, longest line {longestLine} B), {invalid} invalid, {inSpansWithTraceId}/{inSpans} span lines with a trace id");
            Assert.Multiple(() =>
            {
                Assert.That(rolled, Has.Count.GreaterThanOrEqualTo(3));
                Assert.That(largest, Is.LessThanOrEqualTo(Limit + longestLine));
                Assert.That(invalid, Is.Zero);
                Assert.That(inSpans, Is.GreaterThan(0));
                Assert.That(inSpansWithTraceId, Is.EqualTo(inSpans));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
