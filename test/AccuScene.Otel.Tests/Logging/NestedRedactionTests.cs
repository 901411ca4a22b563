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

    private static Dictionary<string, object?> Pairs(object? value) =>
        ((IEnumerable<KeyValuePair<string, object?>>)value!).ToDictionary(p => p.Key, p => p.Value);
}
