using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Tracing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Tracing;

public class SpanHelperTests
{
    private List<Activity> _exported = null!;
    private TracerProvider _provider = null!;

    [SetUp]
    public void SetUp()
    {
        _exported = [];
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddAccuScene(o => o.Tracing.CollectHttp = false)
            .AddInMemoryExporter(_exported)
            .Build()!;
    }

    [TearDown]
    public void TearDown() => _provider.Dispose();

    [Test]
    public void StartSimulationRun_WithoutASceneId_ThrowsBeforeStartingAnything()
    {
        // #18: it used to throw after the span had started, leaving simulation.run as Activity.Current.
        var before = Activity.Current;

        Assert.Throws<ArgumentNullException>(() => AccuSceneSpans.StartSimulationRun(null!, vehicleCount: 2));

        _provider.ForceFlush();
        Assert.Multiple(() =>
        {
            Assert.That(Activity.Current, Is.SameAs(before));
            Assert.That(_exported, Is.Empty);
        });
    }

    [Test]
    public void DomainSpans_NestWithSemanticConventionAttributes()
    {
        using (AccuSceneSpans.StartSimulationRun("scene-42", vehicleCount: 3, sessionId: "session-1"))
        {
            using (AccuSceneSpans.StartSceneLoad("scene-42"))
            {
                using var query = AccuSceneSpans.StartDatabaseQuery("postgresql", "SELECT", "scenes", "SELECT * FROM scenes WHERE id = $1");
            }

            using (AccuSceneSpans.StartSimulationStep(120, 1.0 / 60))
            {
                using var cache = AccuSceneSpans.StartCacheOperation("scenes", "get");
            }
        }

        var byName = _exported.ToDictionary(a => a.DisplayName);
        var run = byName["simulation.run"];
        Assert.Multiple(() =>
        {
            Assert.That(byName.Keys, Is.EquivalentTo(new[] { "simulation.run", "scene.load", "SELECT scenes", "simulation.step", "cache.get" }));
            Assert.That(run.ParentSpanId, Is.EqualTo(default(ActivitySpanId)));
            Assert.That(byName["scene.load"].ParentSpanId, Is.EqualTo(run.SpanId));
            Assert.That(byName["SELECT scenes"].ParentSpanId, Is.EqualTo(byName["scene.load"].SpanId));
            Assert.That(byName["cache.get"].ParentSpanId, Is.EqualTo(byName["simulation.step"].SpanId));
            Assert.That(_exported.Select(a => a.TraceId).Distinct().Count(), Is.EqualTo(1));
            Assert.That(run.GetTagItem(AccuSceneAttributes.SceneId), Is.EqualTo("scene-42"));
            Assert.That(run.GetTagItem(AccuSceneAttributes.SessionId), Is.EqualTo("session-1"));
            Assert.That(run.GetTagItem(AccuSceneAttributes.SimulationVehicleCount), Is.EqualTo(3));
            Assert.That(byName["SELECT scenes"].Kind, Is.EqualTo(ActivityKind.Client));
            Assert.That(byName["SELECT scenes"].GetTagItem("db.system.name"), Is.EqualTo("postgresql"));
            Assert.That(byName["SELECT scenes"].GetTagItem("db.operation.name"), Is.EqualTo("SELECT"));
            Assert.That(byName["SELECT scenes"].GetTagItem("db.collection.name"), Is.EqualTo("scenes"));
            Assert.That(byName["simulation.step"].GetTagItem(AccuSceneAttributes.SimulationStep), Is.EqualTo(120L));
            Assert.That(byName["cache.get"].GetTagItem(AccuSceneAttributes.CacheOperation), Is.EqualTo("get"));
        });
    }

    [Test]
    public void SimulationRun_PutsSceneAndSessionIntoBaggageForChildren()
    {
        using var run = AccuSceneSpans.StartSimulationRun("scene-7", vehicleCount: 2, sessionId: "s-9");
        using var step = AccuSceneSpans.StartSimulationStep(0, 0.01);

        Assert.That(AccuSceneContext.CurrentSceneId, Is.EqualTo("scene-7"));
        Assert.That(AccuSceneContext.CurrentSessionId, Is.EqualTo("s-9"));
    }

    [Test]
    public void AnUnsampledSimulationRun_StillSendsSceneAndSessionDownstream()
    {
        // Inside a request whose trace is not sampled, the run's span is not started; the ids travel all the same.
        using var unsampled = Sdk.CreateTracerProviderBuilder()
            .AddAccuScene(o => o.Tracing.SamplingRatio = 0)
            .Build()!;
        _provider.Dispose();
        using var request = new Activity("request").Start();

        using var run = AccuSceneSpans.StartSimulationRun("scene-42", vehicleCount: 2, sessionId: "s-7");

        Assert.That(
            (run?.Recorded, AccuSceneContext.CurrentSceneId, AccuSceneContext.CurrentSessionId),
            Is.EqualTo(((bool?)false, "scene-42", "s-7")),
            "an unrecorded activity of the run's own carries the ids");
    }

    [Test]
    public void ASampler_SeesTheSamplingRelevantAttributes_AtTheStart()
    {
        // The conventions list db.system.name, db.operation.name, db.collection.name and http.request.method as
        // sampling relevant: a sampler that drops OPTIONS requests or Redis calls can only do so if it sees them.
        var seen = new Dictionary<string, Dictionary<string, object?>>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(AccuSceneTelemetry.SourceName)
            .SetSampler(new RecordingSampler(seen))
            .Build()!;
        _provider.Dispose();

        using (AccuSceneSpans.StartDatabaseQuery("redis", "GET", "scenes"))
        {
        }

        using (AccuSceneSpans.StartDatabaseQuery("postgresql", "SELECT", "runs", "SELECT 1 FROM runs WHERE id = 7"))
        {
        }

        using (AccuSceneSpans.StartApiRequest("options", "/scenes", default, "/scenes?page=2", "https"))
        {
        }

        using (AccuSceneSpans.StartCacheOperation("scenes", "get"))
        {
        }

        Assert.Multiple(() =>
        {
            Assert.That(seen["GET scenes"], Is.EquivalentTo(new Dictionary<string, object?> { ["db.system.name"] = "redis", ["db.operation.name"] = "GET", ["db.collection.name"] = "scenes" }));
            Assert.That(seen["SELECT runs"]["db.query.text"], Is.EqualTo("SELECT ? FROM runs WHERE id = ?"), "db.query.text is sampling relevant too, sanitised");
            Assert.That(seen["OPTIONS /scenes"], Is.EquivalentTo(new Dictionary<string, object?> { ["http.request.method"] = "OPTIONS", ["http.request.method_original"] = "options", ["http.route"] = "/scenes", ["url.scheme"] = "https", ["url.path"] = "/scenes" }));
            Assert.That(seen["cache.get"], Is.EquivalentTo(new Dictionary<string, object?> { [AccuSceneAttributes.CacheName] = "scenes", [AccuSceneAttributes.CacheOperation] = "get" }));
        });
    }

    [TestCase("SELECT", null, "SELECT")]
    [TestCase("", "scenes", "scenes")]
    [TestCase(null, null, "postgresql")]
    public void ADatabaseSpan_IsNamedByWhatIsKnown_AsTheConventionsAsk(string? operation, string? collection, string expected)
    {
        using (AccuSceneSpans.StartDatabaseQuery("postgresql", operation!, collection))
        {
        }

        _provider.ForceFlush();
        var span = _exported.Single();
        Assert.Multiple(() =>
        {
            Assert.That(span.DisplayName, Is.EqualTo(expected), "not ' scenes' or an empty name");
            Assert.That(span.GetTagItem("db.operation.name"), string.IsNullOrEmpty(operation) ? Is.Null : Is.EqualTo(operation), "no empty operation recorded");
        });
    }

    [Test]
    public void ApiRequest_WithoutARoute_IsNamedByTheMethodAlone()
    {
        using (AccuSceneSpans.StartApiRequest("GET", string.Empty))
        {
        }

        Assert.That(_exported.Single().DisplayName, Is.EqualTo("GET"));
    }

    [Test]
    public void TheScopeVersion_IsThePackageVersion_WithoutBuildMetadata() =>
        Assert.That(AccuSceneTelemetry.Version, Does.Not.Contain("+").And.Not.Empty);

    [Test]
    public void ApiRequest_IsAServerSpanNamedByRoute()
    {
        var parent = ActivityContext.Parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);

        using (AccuSceneSpans.StartApiRequest("POST", "/scenes/{id}/simulate", parent))
        {
        }

        var span = _exported.Single();
        Assert.Multiple(() =>
        {
            Assert.That(span.DisplayName, Is.EqualTo("POST /scenes/{id}/simulate"));
            Assert.That(span.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(span.TraceId, Is.EqualTo(parent.TraceId));
            Assert.That(span.ParentSpanId, Is.EqualTo(parent.SpanId));
            Assert.That(span.GetTagItem("http.request.method"), Is.EqualTo("POST"));
            Assert.That(span.GetTagItem("http.route"), Is.EqualTo("/scenes/{id}/simulate"));
            Assert.That(span.GetTagItem("url.scheme"), Is.EqualTo("http"), "required by the conventions; http unless given");
            Assert.That(span.GetTagItem("url.path"), Is.Null, "no path given, none made up");
        });
    }

    [TestCase("/scenes/42/simulate?token=secret", "HTTPS", "/scenes/42/simulate", "https")]
    [TestCase("/scenes/42#frag", "http", "/scenes/42", "http")]
    [TestCase("?only=query", "http", null, "http")]
    public void ApiRequest_RecordsUrlPathWithoutItsQuery_AndTheSchemeInLowerCase(string path, string scheme, string? expectedPath, string expectedScheme)
    {
        using (AccuSceneSpans.StartApiRequest("GET", "/scenes/{id}", default, path, scheme))
        {
        }

        var span = _exported.Single();
        Assert.That((span.GetTagItem("url.path"), span.GetTagItem("url.scheme")), Is.EqualTo(((object?)expectedPath, (object?)expectedScheme)));
    }

    [TestCase("FOO123", "HTTP /x", "_OTHER", "FOO123")]
    [TestCase("get", "GET /x", "GET", "get")]
    [TestCase("GET", "GET /x", "GET", null)]
    public void ApiRequest_WithAMethodTheConventionsDoNotKnow_IsRecordedAsOther(string method, string name, string recorded, string? original)
    {
        using (AccuSceneSpans.StartApiRequest(method, "/x"))
        {
        }

        var span = _exported.Single();
        Assert.Multiple(() =>
        {
            Assert.That(span.DisplayName, Is.EqualTo(name));
            Assert.That(span.GetTagItem("http.request.method"), Is.EqualTo(recorded));
            Assert.That(span.GetTagItem("http.request.method_original"), Is.EqualTo(original));
        });
    }

    [Test]
    public void RecordFailure_AddsAnExceptionEventAndErrorStatus()
    {
        using (var run = AccuSceneSpans.StartSimulationRun("scene-1", 2))
        {
            run.RecordFailure(new InvalidOperationException("solver diverged"));
        }

        var span = _exported.Single();
        var exception = span.Events.Single(e => e.Name == "exception");
        Assert.Multiple(() =>
        {
            Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(span.StatusDescription, Is.EqualTo("solver diverged"));
            Assert.That(span.GetTagItem("error.type"), Is.EqualTo("System.InvalidOperationException"));
            Assert.That(exception.Tags.Single(t => t.Key == "exception.message").Value, Is.EqualTo("solver diverged"));
        });
    }

    [Test]
    public void NoListener_HelpersReturnNull()
    {
        _provider.Dispose();

        Assert.That(AccuSceneSpans.StartDatabaseQuery("sqlite", "SELECT"), Is.Null);
        Assert.That(AccuSceneSpans.StartSimulationRun("scene-1", 2), Is.Null);
    }

    private sealed class RecordingSampler(Dictionary<string, Dictionary<string, object?>> seen) : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
        {
            seen[samplingParameters.Name] = (samplingParameters.Tags ?? []).ToDictionary(t => t.Key, t => t.Value);
            return new SamplingResult(SamplingDecision.RecordAndSample);
        }
    }
}
