using System.Text.Json;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Redaction;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Tests.Logging;

public class FileLogConcurrencyTests
{
    private static readonly Action<ILogger, int, int, string, Exception?> LogLine =
        LoggerMessage.Define<int, int, string>(LogLevel.Information, new EventId(1, "R3"), "Writer {Writer} line {Line} of scene {SceneId}");

    /// <summary>R3: 8 threads × 100,000 lines through ILogger and the file output, across at least 20 rolls.</summary>
    [Test]
    public void R3_EightWritersHundredThousandLinesEach_EveryLineExactlyOnceAndValidJson()
    {
        const int Writers = 8;
        const int LinesPerWriter = 100_000;
        var directory = Directory.CreateTempSubdirectory("accuscene-r3-").FullName;
        try
        {
            var options = new AccuSceneFileLogOptions { Path = Path.Combine(directory, "r3.log"), MaxFileSizeBytes = 4 * 1024 * 1024, MaxFiles = 10_000 };
            var processor = new FileLogRecordProcessor(options, Redactor.None, TimeProvider.System);
            using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.AddProcessor(processor);
            })))
            {
                var logger = factory.CreateLogger("AccuScene.Tests.R3");
                var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
                {
                    for (var i = 0; i < LinesPerWriter; i++)
                    {
                        LogLine(logger, w, i, "scene-42", null);
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
            }

            var names = new RollingFileNames(options.Path);
            var files = names.FindRolled().Select(r => r.Path).Append(names.ActivePath).ToList();
            var seen = new bool[Writers, LinesPerWriter];
            long lines = 0, duplicates = 0, invalid = 0;
            foreach (var file in files)
            {
                foreach (var line in File.ReadLines(file))
                {
                    lines++;
                    try
                    {
                        using var json = JsonDocument.Parse(line);
                        var attributes = json.RootElement.GetProperty("attributes");
                        var writer = attributes.GetProperty("Writer").GetInt32();
                        var number = attributes.GetProperty("Line").GetInt32();
                        duplicates += seen[writer, number] ? 1 : 0;
                        seen[writer, number] = true;
                    }
                    catch (JsonException)
                    {
                        invalid++;
                    }
                }
            }

            var largest = files.Max(f => new FileInfo(f).Length);
            TestContext.Out.WriteLine($"R3: {Writers} writers x {LinesPerWriter:N0} lines -> {lines:N0} lines in {files.Count} files after {processor.Sink.Rolls} rolls; {duplicates} duplicates, {invalid} invalid, {processor.Sink.DroppedLines} dropped; largest file {largest:N0} B (limit {options.MaxFileSizeBytes:N0} B)");
            Assert.Multiple(() =>
            {
                Assert.That(lines, Is.EqualTo(Writers * LinesPerWriter));
                Assert.That(duplicates, Is.Zero);
                Assert.That(invalid, Is.Zero);
                Assert.That(seen.Cast<bool>().Count(s => !s), Is.Zero, "every line present");
                Assert.That(processor.Sink.Rolls, Is.GreaterThanOrEqualTo(20));
                Assert.That(processor.Sink.DroppedLines, Is.Zero);
                Assert.That(largest, Is.LessThanOrEqualTo(options.MaxFileSizeBytes));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
