using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Logging;

public class LogLineFormatTests
{
    private const string SourceName = "AccuScene.Tests.Logging";
    private static readonly ActivitySource Source = new(SourceName);

    [Test]
    public void AThreadKeepsItsLineBuffer_UnlessALongLineGrewItPast64KiB()
    {
        var first = LineBuffer.Rent();
        first.Bytes.Write<byte>(new byte[1000]);
        LineBuffer.Return(first);
        var again = LineBuffer.Rent();
        again.Bytes.Clear();
        again.Bytes.Write<byte>(new byte[100_000]);
        LineBuffer.Return(again);
        var afterLong = LineBuffer.Rent();
        LineBuffer.Return(afterLong);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.SameAs(first), "reused for ordinary lines");
            Assert.That(afterLong, Is.Not.SameAs(again), "a buffer grown past 64 KiB is let go");
        });
    }

    [Test]
    public void Json_TimestampsHaveOneWidth_AndComeFromTheAppsTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var directory = Directory.CreateTempSubdirectory("accuscene-timestamps-").FullName;
        try
        {
            using (var host = new ServiceCollection()
                .AddSingleton<TimeProvider>(time)
                .AddLogging(b => b.AddAccuScene(o => o.Logging.File.Path = Path.Combine(directory, "app.log")))
                .BuildServiceProvider())
            {
                var logger = host.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Tests.Timestamps");
                logger.LogInformation("on the second");
                time.Advance(TimeSpan.FromMilliseconds(140));
                logger.LogInformation("with trailing zeros");
            }

            var stamps = File.ReadAllLines(Path.Combine(directory, "app.log")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("timestamp").GetString());
            Assert.That(stamps, Is.EqualTo(new[] { "2030-01-02T03:04:05.0000000Z", "2030-01-02T03:04:05.1400000Z" }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void Json_HasTheSchemaWithTraceContextAttributesScopesAndException()
    {
        using var listener = ListenToTestSource();
        using var capture = new LogCapture("json");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Json");
        string traceId, spanId;
        using (var activity = Source.StartActivity("step")!)
        using (logger.BeginScope(new Dictionary<string, object?> { ["scene.id"] = "scene-7" }))
        {
            traceId = activity.TraceId.ToHexString();
            spanId = activity.SpanId.ToHexString();
            logger.LogWarning(new EventId(12, "StepSlow"), new InvalidOperationException("solver diverged"), "Step {Step} took {Elapsed} ms", 42, 17.5);
        }

        using var json = JsonDocument.Parse(capture.Lines.Single());
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(root.GetProperty("timestamp").GetString(), Does.EndWith("Z"));
            Assert.That(root.GetProperty("level").GetString(), Is.EqualTo("Warning"));
            Assert.That(root.GetProperty("category").GetString(), Is.EqualTo("AccuScene.Tests.Json"));
            Assert.That(root.GetProperty("message").GetString(), Is.EqualTo("Step 42 took 17.5 ms"));
            Assert.That(root.GetProperty("template").GetString(), Is.EqualTo("Step {Step} took {Elapsed} ms"));
            Assert.That(root.GetProperty("event_id").GetInt32(), Is.EqualTo(12));
            Assert.That(root.GetProperty("event_name").GetString(), Is.EqualTo("StepSlow"));
            Assert.That(root.GetProperty("trace_id").GetString(), Is.EqualTo(traceId));
            Assert.That(root.GetProperty("span_id").GetString(), Is.EqualTo(spanId));
            Assert.That(root.GetProperty("attributes").GetProperty("Step").GetInt32(), Is.EqualTo(42));
            Assert.That(root.GetProperty("attributes").GetProperty("Elapsed").GetDouble(), Is.EqualTo(17.5));
            Assert.That(root.GetProperty("attributes").TryGetProperty("{OriginalFormat}", out _), Is.False);
            Assert.That(root.GetProperty("attributes").GetProperty("scene.id").GetString(), Is.EqualTo("scene-7"), "scope values follow the template's values");
            Assert.That(root.GetProperty("exception").GetProperty("type").GetString(), Is.EqualTo("System.InvalidOperationException"));
            Assert.That(root.GetProperty("exception").GetProperty("message").GetString(), Is.EqualTo("solver diverged"));
            Assert.That(root.GetProperty("exception").GetProperty("stack_trace").GetString(), Does.StartWith("System.InvalidOperationException: solver diverged"));
        });
    }

    [Test]
    public void Json_StaysOneValidObjectPerLineWhateverTheValues()
    {
        using var capture = new LogCapture("json");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Hostile");
        string[] hostile = ["line\nbreak", "cr\rlf\r\n", "quote\"and\\slash", "nul\0byte", "tab\tand\u001b[31mansi", "\u2028sep\u2029", "é中文🚗", "}{\"injected\":1}"];
        foreach (var value in hostile)
        {
            logger.LogInformation("Value {Value} and {NaN} and {Infinity}", value, double.NaN, double.PositiveInfinity);
        }

        var lines = capture.Lines;
        Assert.That(lines, Has.Count.EqualTo(hostile.Length));
        for (var i = 0; i < hostile.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.That(json.RootElement.GetProperty("attributes").GetProperty("Value").GetString(), Is.EqualTo(hostile[i]));
            Assert.That(json.RootElement.GetProperty("attributes").GetProperty("NaN").GetString(), Is.EqualTo("NaN"));
        }
    }

    [Test]
    public void Text_EscapesLineBreaksAndControlCharactersSoNoLineCanBeForged()
    {
        using var capture = new LogCapture("text");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Text");
        logger.LogInformation("User {User} logged in", "eve\r\n2026-11-29T00:00:00.000Z CRIT  Forged: admin logged in");
        logger.LogError(new InvalidOperationException("boom\nsecond line"), "Failed {Path}", "C:\\scenes\u0007");

        var lines = capture.Lines;
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Count.EqualTo(2), "one line per record, whatever the values");
            Assert.That(lines[0], Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  AccuScene\.Tests\.Text: "));
            Assert.That(lines[0], Does.Contain("User eve\\r\\n2026-11-29T00:00:00.000Z CRIT  Forged: admin logged in logged in"));
            Assert.That(lines[0], Does.Not.Contain(" User="), "a placeholder's value is shown once, in the message");
            Assert.That(lines[1], Does.Contain(" ERROR "));
            Assert.That(lines[1], Does.Contain("Failed C:\\\\scenes\\u0007"));
            Assert.That(lines[1], Does.Not.Contain("Path="));
            Assert.That(lines[1], Does.Contain("exception=\"System.InvalidOperationException: boom\\nsecond line"));
            Assert.That(string.Concat(lines).Any(c => c < ' '), Is.False, "no control character is left raw");
        });
    }

    [Test]
    public void Text_ColoursTheLevelOnlyWhenAsked()
    {
        using var plain = new LogCapture("text", colors: false);
        using var coloured = new LogCapture("text", colors: true);
        plain.Factory.CreateLogger("C").LogWarning("careful");
        coloured.Factory.CreateLogger("C").LogWarning("careful");
        coloured.Factory.CreateLogger("C").LogError("failed");

        Assert.Multiple(() =>
        {
            // Ordinal checks: culture-aware comparison ignores control characters such as ESC.
            Assert.That(plain.Lines.Single().Contains('\u001b', StringComparison.Ordinal), Is.False);
            Assert.That(coloured.Lines[0].Contains("\u001b[33mWARN \u001b[0m", StringComparison.Ordinal), Is.True, coloured.Lines[0]);
            Assert.That(coloured.Lines[1].Contains("\u001b[31mERROR\u001b[0m", StringComparison.Ordinal), Is.True, coloured.Lines[1]);
        });
    }

    [Test]
    public void Text_IncludesTraceContextAttributesAndScopes()
    {
        using var listener = ListenToTestSource();
        using var capture = new LogCapture("text");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Text");
        string traceId;
        using (var activity = Source.StartActivity("step")!)
        using (logger.BeginScope("frame {Frame}", 9))
        {
            traceId = activity.TraceId.ToHexString();
            logger.LogDebug("Solved {Contacts} contacts", 3);
        }

        var line = capture.Lines.Single();
        Assert.That(line, Does.Contain(" DEBUG "));
        Assert.That(line, Does.Contain($" trace_id={traceId} span_id="));
        Assert.That(line, Does.Contain("Solved 3 contacts"));
        Assert.That(line, Does.Not.Contain("Contacts="), "the message already shows it");
        Assert.That(line, Does.Contain(" Frame=9"), "a scope's value adds to the message");
    }

    [Test]
    public void Text_WithoutTheFormattedMessage_KeepsThePlaceholdersValues()
    {
        using var capture = new LogCapture("text", formattedMessage: false);
        capture.Factory.CreateLogger("AccuScene.Tests.Text").LogInformation("Solved {Contacts} contacts in {@Scene} ({{literal}})", 3, "scene-7");

        var line = capture.Lines.Single();
        Assert.That(line, Does.Contain(" Contacts=3"), "the body is the bare template, so the values are only in the attributes");
        Assert.That(line, Does.Contain("Scene=scene-7"));
    }

    [Test]
    public void Text_SkipsPlaceholdersWhateverTheirDecoration()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TextLogLineFormatter.IsPlaceholder("in {@Scene}", "@Scene"), Is.True, "Microsoft.Extensions.Logging keeps the @ in the key");
            Assert.That(TextLogLineFormatter.IsPlaceholder("in {@Scene}", "Scene"), Is.True);
            Assert.That(TextLogLineFormatter.IsPlaceholder("took {Elapsed:F1} ms", "Elapsed"), Is.True);
            Assert.That(TextLogLineFormatter.IsPlaceholder("{{Scene}} is literal", "Scene"), Is.False, "an escaped brace is not a placeholder");
            Assert.That(TextLogLineFormatter.IsPlaceholder("{SceneId}", "Scene"), Is.False);
            Assert.That(TextLogLineFormatter.ShownIn("2 collision(s)", 2), Is.False, "a short value matches by coincidence, so it is kept");
        });
    }

    [Test]
    public void Console_MinimumLevel_RestrictsTheConsoleOnly()
    {
        using var capture = new LogCapture("text", consoleMinimumLevel: LogLevel.Warning);
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Text");
#pragma warning disable CA1848, CA2254 // Plain calls are what users write.
        logger.LogInformation("below the console's level");
        logger.LogWarning("at the console's level");
#pragma warning restore CA1848, CA2254

        Assert.That(capture.Lines, Has.Count.EqualTo(1));
        Assert.That(capture.Lines[0], Does.Contain("at the console's level"));
    }

    [Test]
    public void Text_ShowsAnEventsAttributesOnlyWhereTheyAddToItsMessage()
    {
        using var capture = new LogCapture("text");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Text");
        logger.RecordEvent(
            AccuSceneEventCategory.Simulation,
            AccuSceneEventSeverity.Info,
            "simulation.completed",
            "Simulation of scene-7 completed: 2 collision(s) in 4.1 s (574 steps)",
            new KeyValuePair<string, object?>("accuscene.scene.id", "scene-7"),
            new KeyValuePair<string, object?>("accuscene.simulation.frames", 574),
            new KeyValuePair<string, object?>("accuscene.simulation.collisions", 1),
            new KeyValuePair<string, object?>("accuscene.simulation.vehicles", 3));

        var line = capture.Lines.Single();
        Assert.Multiple(() =>
        {
            Assert.That(line, Does.Contain(" event.name=simulation.completed"));
            Assert.That(line, Does.Not.Contain("accuscene.event.category="), "the category adds nothing for a reader");
            Assert.That(line, Does.Not.Contain("accuscene.scene.id="), "the message shows scene-7");
            Assert.That(line, Does.Not.Contain("accuscene.simulation.frames="), "the message shows 574");
            Assert.That(line, Does.Contain(" accuscene.simulation.collisions=1"), "the 1 inside 4.1 is not a word of its own");
            Assert.That(line, Does.Contain(" accuscene.simulation.vehicles=3"));
        });
    }

    private static ActivityListener ListenToTestSource()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Test]
    public void JsonLines_WriteEveryIntegerTypeAsANumber_AndAListAsTheMessageShowsIt()
    {
        using var capture = new LogCapture("json");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Json");

#pragma warning disable CA1848 // A plain call is what users write.
        logger.LogInformation("Listening on {Port} for {Scenes} after {Attempts}", (ushort)8080, new[] { "s1", "s2" }, 3UL);
#pragma warning restore CA1848

        using var json = JsonDocument.Parse(capture.Lines.Single());
        var attributes = json.RootElement.GetProperty("attributes");
        Assert.Multiple(() =>
        {
            Assert.That(attributes.GetProperty("Port").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(attributes.GetProperty("Port").GetInt32(), Is.EqualTo(8080));
            Assert.That(attributes.GetProperty("Attempts").GetUInt64(), Is.EqualTo(3));
            Assert.That(attributes.GetProperty("Scenes").GetString(), Is.EqualTo("s1, s2"));
            Assert.That(json.RootElement.GetProperty("message").GetString(), Is.EqualTo("Listening on 8080 for s1, s2 after 3"));
        });
    }

    [TestCase("json")]
    [TestCase("text")]
    public void AnExceptionWhoseMessageAndToStringThrow_DoesNotLoseTheLine(string format)
    {
        // Without the formatted message, Microsoft.Extensions.Logging never formats the value itself; the line does.
        using var capture = new LogCapture(format, formattedMessage: false);
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Hostile");

#pragma warning disable CA1848, CA2254 // A plain call is what users write.
        logger.LogError(new Fuzz.HostileException(), "payment failed");
        logger.LogInformation("value {Value}", new ThrowingFormattable());
#pragma warning restore CA1848, CA2254

        var lines = capture.Lines;
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[0], Does.Contain("payment failed").And.Contain("HostileException"));
        Assert.That(lines[1], Does.Contain(nameof(ThrowingFormattable)));
    }

    /// <summary>A value whose formatting, by span or by string, throws.</summary>
    private readonly struct ThrowingFormattable : ISpanFormattable
    {
        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
            throw new InvalidOperationException("hostile TryFormat");

        public string ToString(string? format, IFormatProvider? formatProvider) => throw new InvalidOperationException("hostile ToString");

        public override string ToString() => throw new InvalidOperationException("hostile ToString");
    }
}
