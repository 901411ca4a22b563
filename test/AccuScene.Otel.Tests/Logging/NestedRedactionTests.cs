using System.Diagnostics;
using AccuScene.Otel.Redaction;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Logging;

/// <summary>
/// A value that is itself a dictionary (the headers of a call, logged or tagged whole) is exported by OTLP as a
/// nested list and written by the text outputs pair by pair: its own sensitive keys are masked too.
/// </summary>
public class NestedRedactionTests
{
    [Test]
    public void ALoggedDictionary_HasItsSensitiveKeysMasked_InTheAttributeAndTheMessage()
    {
        var record = ExportedLogRecord.One(logger => logger.LogInformation(
            "Calling upstream with {Headers} and {Query}",
            new Dictionary<string, object?> { ["Authorization"] = "Bearer abc", ["Accept"] = "application/json" },
            new Dictionary<string, string> { ["api_key"] = "k-1", ["page"] = "2" }));
        var attributes = record.Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Multiple(() =>
        {
            Assert.That(Pairs(attributes["Headers"]), Is.EqualTo(new Dictionary<string, object?> { ["Authorization"] = "[REDACTED]", ["Accept"] = "application/json" }));
            Assert.That(Pairs(attributes["Query"]), Is.EqualTo(new Dictionary<string, object?> { ["api_key"] = "[REDACTED]", ["page"] = "2" }));
            Assert.That(record.Message, Is.EqualTo("Calling upstream with [Authorization, [REDACTED]], [Accept, application/json] and [api_key, [REDACTED]], [page, 2]"));
        });
    }

    [Test]
    public void ATaggedDictionary_HasItsSensitiveKeysMasked_AtDepth_BeforeExport()
    {
        var exported = new List<Activity>();
        using var source = new ActivitySource("AccuScene.Tests.NestedRedaction");
        using (var provider = Sdk.CreateTracerProviderBuilder().AddAccuScene().AddSource(source.Name).AddInMemoryExporter(exported).Build())
        using (var activity = source.StartActivity("call"))
        {
            activity!.SetTag("request", new Dictionary<string, object?>
            {
                ["headers"] = new Dictionary<string, string> { ["Authorization"] = "Basic dTpw", ["Accept"] = "*/*" },
                ["path"] = "/scenes",
            });
        }

        var request = Pairs(exported.Single().GetTagItem("request"));
        Assert.Multiple(() =>
        {
            Assert.That(request["path"], Is.EqualTo("/scenes"));
            Assert.That(Pairs(request["headers"]), Is.EqualTo(new Dictionary<string, object?> { ["Authorization"] = "[REDACTED]", ["Accept"] = "*/*" }));
        });
    }

    [Test]
    public void HeadersOfAspNetCoreAndHttpClient_AreMaskedByTheirKeys()
    {
        var server = new Microsoft.AspNetCore.Http.HeaderDictionary { ["Authorization"] = "Bearer abc", ["Accept"] = "text/plain" };
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("X-Api-Key", "k-1");
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        var record = ExportedLogRecord.One(logger => logger.LogInformation("In {Incoming}, out {Outgoing}", server, request.Headers));
        var attributes = record.Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Multiple(() =>
        {
            Assert.That(Pairs(attributes["Incoming"])["Authorization"], Is.EqualTo("[REDACTED]"));
            Assert.That(Pairs(attributes["Incoming"])["Accept"]?.ToString(), Is.EqualTo("text/plain"));
            Assert.That(Pairs(attributes["Outgoing"])["X-Api-Key"], Is.EqualTo("[REDACTED]"));
            Assert.That(record.Message, Does.Not.Contain("Bearer abc").And.Not.Contain("k-1"));
        });
    }

    [Test]
    public void ASpanTagThatCannotBeRead_GoesOutMaskedWhole_AndTheOtherSecretsStillMasked()
    {
        using var activity = new Activity("call").Start();
        activity.SetTag("db.connection_string", "Host=db;Password=pw");
        activity.SetTag("context", new ThrowingPairs());
        activity.SetTag("scene.id", "scene-1");

        new AccuScene.Otel.Tracing.RedactingActivityProcessor(Redactor.From(new AccuSceneRedactionOptions())).OnEnd(activity);

        Assert.That(
            (activity.GetTagItem("db.connection_string"), activity.GetTagItem("context"), activity.GetTagItem("scene.id")),
            Is.EqualTo(("[REDACTED]", "[REDACTED]", "scene-1")));
    }

    [Test]
    public void ATagAddedTwice_WithASecretInsideOne_KeepsOneValue_MaskedWhole()
    {
        using var activity = new Activity("call").Start();
        activity.AddTag("http.headers", new Dictionary<string, string> { ["Accept"] = "*/*" });
        activity.AddTag("http.headers", new Dictionary<string, string> { ["Authorization"] = "Bearer abc" });

        new AccuScene.Otel.Tracing.RedactingActivityProcessor(Redactor.From(new AccuSceneRedactionOptions())).OnEnd(activity);

        Assert.That(activity.TagObjects.Where(t => t.Key == "http.headers").Select(t => t.Value), Is.EqualTo(new object[] { "[REDACTED]" }));
    }

    [Test]
    public void ASpanWithNothingToMask_AllocatesNothingInTheProcessor()
    {
        var processor = new AccuScene.Otel.Tracing.RedactingActivityProcessor(Redactor.From(new AccuSceneRedactionOptions()));
        using var activity = new Activity("call").Start();
        activity.SetTag("scene.id", "scene-1");
        activity.SetTag("accuscene.simulation.step", 42);
        activity.SetTag("http.response.status_code", 200);
        processor.OnEnd(activity); // warms the key cache

        var before = GC.GetAllocatedBytesForCurrentThread();
        processor.OnEnd(activity);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void ADictionaryWithNothingSensitive_IsLeftAsItIs()
    {
        var redactor = Redactor.From(new AccuSceneRedactionOptions());
        var plain = new Dictionary<string, object?> { ["scene.id"] = "s-1", ["inner"] = new Dictionary<string, string> { ["page"] = "2" } };

        Assert.Multiple(() =>
        {
            Assert.That(redactor.TryMaskNested(plain, out var masked), Is.False);
            Assert.That(masked, Is.Null);
            Assert.That(redactor.HoldsNestedSensitive(plain), Is.False);
            Assert.That(redactor.TryMaskNested("password", out _), Is.False, "a string is no list of pairs");
        });
    }

    [Test]
    public void AListThatHoldsItself_Ends()
    {
        var redactor = Redactor.From(new AccuSceneRedactionOptions());
        var loop = new Dictionary<string, object?> { ["page"] = "2" };
        loop["self"] = loop;

        Assert.That(redactor.TryMaskNested(loop, out _), Is.False);
    }

    private sealed class ThrowingPairs : IEnumerable<KeyValuePair<string, object?>>
    {
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => throw new InvalidOperationException("Collection was modified.");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => this.GetEnumerator();
    }

    private static Dictionary<string, object?> Pairs(object? value) =>
        ((IEnumerable<KeyValuePair<string, object?>>)value!).ToDictionary(p => p.Key, p => p.Value);
}
