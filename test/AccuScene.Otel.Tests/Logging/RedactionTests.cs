using System.Diagnostics;
using System.Text.Json;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Logging;

public class RedactionTests
{
    [TestCase("password", true)]
    [TestCase("Password", true)]
    [TestCase("user_password", true)]
    [TestCase("Authorization", true)]
    [TestCase("http.request.header.authorization", true)]
    [TestCase("api_key", true)]
    [TestCase("x-api-key", true)]
    [TestCase("ApiKey", true)]
    [TestCase("client_secret", true)]
    [TestCase("refresh_token", true)]
    [TestCase("db.connection_string", true)]
    [TestCase("ConnectionString", true)]
    [TestCase("token_count", false)]
    [TestCase("scene.id", false)]
    [TestCase("passwordless", false)]
    public void DefaultKeys_MaskByNormalisedSuffix(string key, bool masked) =>
        Assert.That(Redactor.From(new AccuSceneRedactionOptions()).IsSensitive(key), Is.EqualTo(masked));

    [Test]
    public void KeysTheCacheCannotHold_AreDecidedWithoutAllocating()
    {
        var redactor = Redactor.From(new AccuSceneRedactionOptions());
        for (var i = 0; i < 10_000; i++)
        {
            _ = redactor.IsSensitive($"warm.key.{i}"); // fills the decision cache
        }

        var longKey = new string('x', 1_000) + ".Api-Key";
        _ = redactor.IsSensitive("after.the.cache.password");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var uncached = redactor.IsSensitive("after.the.cache.password");
        var notSensitive = redactor.IsSensitive("after.the.cache.scene");
        var tooLong = redactor.IsSensitive(longKey);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Multiple(() =>
        {
            Assert.That((uncached, notSensitive, tooLong), Is.EqualTo((true, false, true)));
            Assert.That(allocated, Is.Zero);
        });
    }

    [Test]
    public void ConfiguredKeys_ReplaceTheDefaults()
    {
        var redactor = Redactor.From(new AccuSceneRedactionOptions { Keys = ["vin"] });
        Assert.Multiple(() =>
        {
            Assert.That(redactor.IsSensitive("vehicle.vin"), Is.True);
            Assert.That(redactor.IsSensitive("password"), Is.False);
            Assert.That(Redactor.From(new AccuSceneRedactionOptions { Keys = [] }).IsEmpty, Is.True);
        });
    }

    [TestCase("json")]
    [TestCase("text")]
    public void LogOutputs_MaskAttributesScopesAndTheFormattedMessage(string format)
    {
        using var capture = new LogCapture(format);
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Redaction");
        using (logger.BeginScope(new Dictionary<string, object?> { ["Authorization"] = "Bearer abc.def" }))
        {
            logger.LogInformation("Login {User} with {Password} and key {api_key}", "ada", "hunter2", "k-123");
        }

        var line = capture.Lines.Single();
        Assert.Multiple(() =>
        {
            Assert.That(line, Does.Not.Contain("hunter2"));
            Assert.That(line, Does.Not.Contain("k-123"));
            Assert.That(line, Does.Not.Contain("abc.def"));
            Assert.That(line, Does.Contain("Login ada with [REDACTED] and key [REDACTED]"));
            Assert.That(line, Does.Contain("ada"));
        });
        if (format == "json")
        {
            using var json = JsonDocument.Parse(line);
            Assert.That(json.RootElement.GetProperty("attributes").GetProperty("Password").GetString(), Is.EqualTo("[REDACTED]"));
            Assert.That(json.RootElement.GetProperty("attributes").GetProperty("Authorization").GetString(), Is.EqualTo("[REDACTED]"));
        }
    }

    [TestCase("json")]
    [TestCase("text")]
    public void ARecordWithoutATemplate_HasItsFormattedTextMaskedWhole(string format)
    {
        // A dictionary state with a formatter has no {OriginalFormat}: OpenTelemetry sets the body and the message
        // to the formatter's output, which holds the secret and cannot be rendered again.
        using var capture = new LogCapture(format);
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Redaction");
        var state = new Dictionary<string, object?> { ["password"] = "hunter2", ["user"] = "ada" };

        logger.Log(LogLevel.Information, default, state, null, (s, _) => $"user={s["user"]} pw={s["password"]}");

        var line = capture.Lines.Single();
        Assert.That(line, Does.Not.Contain("hunter2"));
        Assert.That(line, Does.Contain("[REDACTED]"));
    }

    [Test]
    public void AnExportedRecordWithoutATemplate_HasItsBodyAndMessageMasked()
    {
        var bodies = new List<string?>();
        var exported = new List<ExportedLogRecord>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAccuScene();
        services.ConfigureOpenTelemetryLoggerProvider(p => p
            .AddProcessor(new SimpleLogRecordExportProcessor(ExportedLogRecord.Capture(exported)))
            .AddProcessor(new BodyCapture(bodies)));
        using (var provider = services.BuildServiceProvider())
        {
            var state = new Dictionary<string, object?> { ["api_key"] = "k-123" };
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("C")
                .Log(LogLevel.Warning, default, state, null, (s, _) => $"calling with key {s["api_key"]}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(exported.Single().Message, Is.EqualTo("[REDACTED]"));
            Assert.That(bodies.Single(), Is.EqualTo("[REDACTED]"));
            Assert.That(exported.Single().Attributes.Single(a => a.Key == "api_key").Value, Is.EqualTo("[REDACTED]"));
        });
    }

    [Test]
    public void AScopeWhoseToStringLogs_DoesNotLetTheOuterRecordOutUnmasked()
    {
        // Reading a plain scope's text runs app code; when that logs on the same thread, the nested record used to
        // empty the list the outer one was reading, and the outer record went out with its secret.
        using var capture = new LogCapture("json");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Redaction");
        using (logger.BeginScope(new LoggingScope(logger)))
        {
            logger.LogInformation("Login {User} with {Password}", "ada", "hunter2");
        }

        var lines = capture.Lines;
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Count.EqualTo(2), "the scope's own record, then the outer one");
            Assert.That(lines, Has.None.Contains("hunter2"));
            Assert.That(lines[^1], Does.Contain("Login ada with [REDACTED]"));
            Assert.That(lines[^1], Does.Contain("request scope"), "the scope is kept, not lost to an error");
        });
    }

    [Test]
    public void ARecordTheProcessorCannotFinish_GoesOutMasked_NotAsWritten()
    {
        // The app's state is the record's attribute list; one that throws part-way used to leave the message as formatted.
        var (message, attributes) = ExportOne(logger =>
            logger.Log(LogLevel.Information, default, new BrokenState(), null, (_, _) => "Login with hunter2"));

        Assert.Multiple(() =>
        {
            Assert.That(message, Is.EqualTo("[REDACTED]"));
            Assert.That(attributes.Values, Has.None.EqualTo("hunter2"));
        });
    }

    // A sensitive first attribute, then one that can be read once (OpenTelemetry reads it, looking for the template).
    private sealed class BrokenState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private int _reads;

        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("password", "hunter2")
            : ++_reads == 1 ? new("scene.id", "scene-1") : throw new InvalidOperationException("gone");

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => this.GetEnumerator();
    }

    // A scope whose text is made by code that logs (a lazy value, a cache that reports a miss), once.
    private sealed class LoggingScope(ILogger logger)
    {
        private bool _logged;

        public override string ToString()
        {
            if (!_logged)
            {
                _logged = true;
                logger.LogInformation("Scope text computed");
            }

            return "request scope";
        }
    }

    [Test]
    public void ARecordWithoutATemplate_KeepsItsMessage_WhenOnlyAScopeIsSensitive()
    {
        // A scope's values never reach the formatter's text: masked as attributes, the message stays.
        var (message, attributes) = ExportOne(logger =>
        {
            using (logger.BeginScope(new Dictionary<string, object?> { ["password"] = "hunter2" }))
            {
                logger.Log(LogLevel.Information, default, "plain text", null, (s, _) => s);
            }
        });

        Assert.That(message, Is.EqualTo("plain text"));
        Assert.That(attributes["password"], Is.EqualTo("[REDACTED]"));
    }

    private sealed class BodyCapture(List<string?> bodies) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data) => bodies.Add(data.Body);
    }

    [Test]
    public void AMessageRenderedAgain_FillsARepeatedNameByPosition_AndEndsOnAListThatHoldsItself()
    {
        var holdsItself = new List<object>();
        holdsItself.Add(holdsItself);
        holdsItself.Add(7);

        var (repeated, _) = ExportOne(logger => logger.LogInformation("{Id} then {Id} with {Password}", 1, 2, "pw"));
        var (list, _) = ExportOne(logger => logger.LogInformation("{Items} with {Password}", holdsItself, "pw"));

        Assert.Multiple(() =>
        {
            Assert.That(repeated, Is.EqualTo("1 then 2 with [REDACTED]"), "as Microsoft.Extensions.Logging fills holes: by position");
            Assert.That(list, Is.EqualTo("System.Collections.Generic.List`1[System.Object], 7 with [REDACTED]"), "as Microsoft.Extensions.Logging writes it");
        });
    }

    [Test]
    public void AnEventsMessage_IsKeptAsWritten_AndItsSensitiveAttributesAreStillMasked()
    {
        // An event's message is no template: its braces are text, whatever they look like.
        var (huge, hugeAttributes) = ExportOne(logger => logger.RecordEvent(
            AccuSceneEventCategory.Api, AccuSceneEventSeverity.Warning, "search.failed", "search '{q,2147483647}' failed", new KeyValuePair<string, object?>("api_key", "k-1")));
        var (braces, bracesAttributes) = ExportOne(logger => logger.RecordEvent(
            AccuSceneEventCategory.Api, AccuSceneEventSeverity.Warning, "search.failed", "{{literal}} {event.name}", new KeyValuePair<string, object?>("password", "pw")));

        Assert.Multiple(() =>
        {
            Assert.That(huge, Is.EqualTo("search '{q,2147483647}' failed"));
            Assert.That(hugeAttributes["api_key"], Is.EqualTo("[REDACTED]"));
            Assert.That(braces, Is.EqualTo("{{literal}} {event.name}"));
            Assert.That(bracesAttributes["password"], Is.EqualTo("[REDACTED]"));
        });
    }

    [TestCase(1_000_000)]
    [TestCase(-1_000_000)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void AnAlignmentDotNetWouldRefuse_IsRefused_NotPadded(int alignment) =>
        Assert.Throws<FormatException>(() => MessageTemplateRenderer.Render($"{{A,{alignment}}}", [new("A", "x")]));

    [Test]
    public void AnAlignmentDotNetAccepts_IsPadded() =>
        Assert.That(MessageTemplateRenderer.Render("[{A,-3}][{A,3}]", [new("A", "x")]), Is.EqualTo("[x  ][  x]"));

    [Test]
    public void ExportedLogRecords_CarryMaskedAttributesAndScopes()
    {
        var (message, attributes) = ExportOne(logger =>
        {
            using (logger.BeginScope(new Dictionary<string, object?> { ["x-api-key"] = "k-1", ["scene.id"] = "scene-3" }))
            {
                logger.LogInformation("Connecting with {ConnectionString}", "Host=db;Password=pw");
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(attributes["ConnectionString"], Is.EqualTo("[REDACTED]"));
            Assert.That(message, Is.EqualTo("Connecting with [REDACTED]"));
            Assert.That(attributes["x-api-key"], Is.EqualTo("[REDACTED]"), "scope values reach exporters masked, as attributes");
            Assert.That(attributes["scene.id"], Is.EqualTo("scene-3"));
        });
    }

    [Test]
    public void AScopeThatThrowsWhenRead_IsLeftOut_AndTheRecordIsStillMasked()
    {
        // A scope template with more holes than arguments throws when its second item is read.
        var (message, attributes) = ExportOne(logger =>
        {
#pragma warning disable CA2017 // the mismatch is the point: this scope throws when read
            using (logger.BeginScope("Order {OrderId} for {Customer}", 42))
#pragma warning restore CA2017
            using (logger.BeginScope(new Dictionary<string, string> { ["api_key"] = "k-9", ["scene.id"] = "scene-4" }))
            {
                logger.LogInformation("Login {User} with {Password}", "ada", "hunter2");
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(message, Is.EqualTo("Login ada with [REDACTED]"));
            Assert.That(attributes["Password"], Is.EqualTo("[REDACTED]"));
            Assert.That(attributes.ContainsKey("OrderId"), Is.False, "the scope that threw is left out whole");
            Assert.That(attributes["api_key"], Is.EqualTo("[REDACTED]"), "a Dictionary<string, string> scope is masked by key");
            Assert.That(attributes["scene.id"], Is.EqualTo("scene-4"));
        });
    }

    [Test]
    public void AMessageRenderedAgain_KeepsDestructuredHolesAndListsAsLoggingWritesThem()
    {
        using var capture = new LogCapture("json");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Redaction");
        logger.LogInformation("User {@User} in {Scenes} set {Password}", "ada", new[] { "s1", "s2" }, "hunter2");

        using var json = JsonDocument.Parse(capture.Lines.Single());
        Assert.That(json.RootElement.GetProperty("message").GetString(), Is.EqualTo("User ada in s1, s2 set [REDACTED]"));
    }

    // A template may use a name twice ({Id} then {Id}): the first value of a key is kept.
    private static (string? Message, Dictionary<string, object?> Attributes) ExportOne(Action<ILogger> log)
    {
        var record = ExportedLogRecord.One(log);
        return (record.Message, record.Attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.First().Value));
    }

    [Test]
    public void ASensitiveSpanTagAddedTwice_HasEveryValueMasked()
    {
        // AddTag keeps a key twice (a header with two values); SetTag changes only the first.
        using var activity = new Activity("request").Start();
        activity.AddTag("http.request.header.cookie", "session=a");
        activity.AddTag("scene.id", "scene-1");
        activity.AddTag("http.request.header.cookie", "session=b");

        new AccuScene.Otel.Tracing.RedactingActivityProcessor(Redactor.From(new AccuSceneRedactionOptions { Keys = ["cookie"] })).OnEnd(activity);

        var cookies = activity.TagObjects.Where(t => t.Key == "http.request.header.cookie").Select(t => t.Value).ToList();
        Assert.That(cookies, Is.Not.Empty.And.All.EqualTo("[REDACTED]"));
        Assert.That(activity.GetTagItem("scene.id"), Is.EqualTo("scene-1"));
    }

    [Test]
    public void Spans_HaveSensitiveTagsMaskedBeforeExport()
    {
        var exported = new List<Activity>();
        using var source = new ActivitySource("AccuScene.Tests.SpanRedaction");
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddAccuScene()
            .AddSource(source.Name)
            .AddInMemoryExporter(exported)
            .Build())
        using (var activity = source.StartActivity("call"))
        {
            activity!.SetTag("http.request.header.authorization", "Bearer abc");
            activity.SetTag("db.connection_string", "Host=db;Password=pw");
            activity.SetTag("scene.id", "scene-1");
        }

        var span = exported.Single();
        Assert.Multiple(() =>
        {
            Assert.That(span.GetTagItem("http.request.header.authorization"), Is.EqualTo("[REDACTED]"));
            Assert.That(span.GetTagItem("db.connection_string"), Is.EqualTo("[REDACTED]"));
            Assert.That(span.GetTagItem("scene.id"), Is.EqualTo("scene-1"));
        });
    }
}
