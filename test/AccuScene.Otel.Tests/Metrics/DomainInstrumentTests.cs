using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>Each domain set through the real AccuScene metric pipeline, read back with the in-memory exporter.</summary>
public class DomainInstrumentTests
{
    private readonly List<Metric> _exported = [];
    private MeterProvider _provider = null!;

    [SetUp]
    public void SetUp()
    {
        _exported.Clear();
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddAccuScene(o => o.Metrics.HistogramBoundaries["accuscene.custom.duration"] = [0.1, 1])
            .AddInMemoryExporter(_exported)
            .Build()!;
    }

    [TearDown]
    public void TearDown() => _provider.Dispose();

    private Dictionary<string, Metric> Collect()
    {
        _exported.Clear();
        _provider.ForceFlush();
        return _exported.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
    }

    private static object? CpuMode(MetricPoint point)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == "cpu.mode")
            {
                return tag.Value;
            }
        }

        return null;
    }

    private static List<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    [Test]
    public void Simulation_RecordsStepsFramesFpsAndActiveRuns()
    {
        using var simulation = new SimulationMetrics();
        simulation.SimulationStarted();
        simulation.RecordStep(0.003, 1.0 / 60);
        simulation.RecordStep(0.005, 1.0 / 60);
        simulation.RecordFramesPerSecond(240);

        var metrics = this.Collect();

        var step = Points(metrics["accuscene.simulation.step.duration"]).Single();
        Assert.Multiple(() =>
        {
            Assert.That(metrics["accuscene.simulation.step.duration"].Unit, Is.EqualTo("s"));
            Assert.That(step.GetHistogramCount(), Is.EqualTo(2));
            Assert.That(step.GetHistogramSum(), Is.EqualTo(0.008).Within(1e-12));
            Assert.That(ExplicitBounds(step).First(), Is.EqualTo(0.000001), "second-based default buckets from 1 µs");
            Assert.That(ExplicitBounds(step).Where(double.IsFinite).Last(), Is.EqualTo(1), "to 1 s");
            Assert.That(Points(metrics["accuscene.simulation.frames"]).Single().GetSumLong(), Is.EqualTo(2));
            Assert.That(Points(metrics["accuscene.simulation.simulated_time"]).Single().GetSumDouble(), Is.EqualTo(2.0 / 60).Within(1e-12));
            Assert.That(Points(metrics["accuscene.simulation.fps"]).Single().GetGaugeLastValueDouble(), Is.EqualTo(240));
            Assert.That(Points(metrics["accuscene.simulation.active"]).Single().GetSumLong(), Is.EqualTo(1));
        });
    }

    [Test]
    public void Database_UsesSemanticConventionNamesAndCountsOutcomes()
    {
        using var database = new DatabaseMetrics();
        database.RecordOperation("sqlite", "SELECT", 0.002);
        database.RecordOperation("sqlite", "INSERT", 0.004, errorType: "SqliteException");
        database.RecordPool("scenes", used: 3, idle: 5, max: 10);

        var metrics = this.Collect();

        var durations = Points(metrics["db.client.operation.duration"]);
        var failed = durations.Single(p => Tags(p).ContainsKey("error.type"));
        Assert.Multiple(() =>
        {
            Assert.That(durations, Has.Count.EqualTo(2));
            Assert.That(Tags(failed)["db.operation.name"], Is.EqualTo("INSERT"));
            Assert.That(Tags(failed)["db.system.name"], Is.EqualTo("sqlite"));
            Assert.That(Points(metrics["accuscene.db.operations"]).Select(p => Tags(p)["accuscene.db.outcome"]), Is.EquivalentTo(new[] { "success", "failure" }));
            Assert.That(Points(metrics["accuscene.db.failures"]).Single().GetSumLong(), Is.EqualTo(1));
            Assert.That(Points(metrics["accuscene.db.pool.connections"]).ToDictionary(p => Tags(p)["db.client.connection.state"]!, p => p.GetGaugeLastValueLong()),
                Is.EquivalentTo(new Dictionary<object, long> { ["used"] = 3, ["idle"] = 5 }));
            Assert.That(Points(metrics["accuscene.db.pool.max_connections"]).Single().GetGaugeLastValueLong(), Is.EqualTo(10));
        });
    }

    [Test]
    public void Cache_ReportsHitsMissesRatioAndSize()
    {
        using var cache = new CacheMetrics();
        cache.Hit("scenes");
        cache.Hit("scenes");
        cache.Hit("scenes");
        cache.Miss("scenes");
        cache.RecordSize("scenes", items: 12, sizeBytes: 4096);

        var metrics = this.Collect();

        Assert.Multiple(() =>
        {
            Assert.That(Points(metrics["accuscene.cache.hits"]).Single().GetSumLong(), Is.EqualTo(3));
            Assert.That(Points(metrics["accuscene.cache.misses"]).Single().GetSumLong(), Is.EqualTo(1));
            Assert.That(Points(metrics["accuscene.cache.hit_ratio"]).Single().GetGaugeLastValueDouble(), Is.EqualTo(0.75));
            Assert.That(Points(metrics["accuscene.cache.items"]).Single().GetGaugeLastValueLong(), Is.EqualTo(12));
            Assert.That(metrics["accuscene.cache.size"].Unit, Is.EqualTo("By"));
            Assert.That(Tags(Points(metrics["accuscene.cache.hits"]).Single())["accuscene.cache.name"], Is.EqualTo("scenes"));
        });
    }

    [Test]
    public void Api_RecordsDurationRequestsErrorsAndInFlight()
    {
        using var api = new ApiMetrics();
        api.RequestStarted("GET", "/scenes/{id}");
        api.RequestStarted("POST", "/scenes/{id}/simulate");
        api.RequestCompleted("GET", "/scenes/{id}", 200, 0.012);
        api.RequestCompleted("POST", "/scenes/{id}/simulate", 503, 0.2, urlScheme: "HTTPS");

        var metrics = this.Collect();

        var durations = Points(metrics["http.server.request.duration"]);
        Assert.Multiple(() =>
        {
            Assert.That(durations.Select(p => Tags(p)["http.response.status_code"]), Is.EquivalentTo(new object[] { 200, 503 }), "an int, as ASP.NET Core records it");
            Assert.That(Tags(durations.Single(p => (int)Tags(p)["http.response.status_code"]! == 503))["error.type"], Is.EqualTo("503"));
            Assert.That(durations.Select(p => Tags(p)["url.scheme"]), Is.EquivalentTo(new[] { "http", "https" }), "required by the conventions");
            Assert.That(ExplicitBounds(durations[0]).First(), Is.EqualTo(0.005), "semantic-convention buckets");
            Assert.That(Points(metrics["accuscene.api.requests"]).Sum(p => p.GetSumLong()), Is.EqualTo(2));
            Assert.That(Points(metrics["accuscene.api.errors"]).Sum(p => p.GetSumLong()), Is.EqualTo(1));
            Assert.That(Points(metrics["accuscene.api.in_flight"]).Sum(p => p.GetSumLong()), Is.Zero);
        });
    }

    [Test]
    public void Api_RecordsAMethodTheConventionsDoNotKnowAsOther_AndAnImpossibleStatusAsAnError()
    {
        using var api = new ApiMetrics();
        api.RequestCompleted("get", "/scenes/{id}", 200, 0.01);
        api.RequestCompleted("FOO123", "/scenes/{id}", 200, 0.01);
        api.RequestCompleted("BAR456", "/scenes/{id}", 200, 0.01);
        api.RequestCompleted("GET", "/scenes/{id}", 777, 0.01);

        var durations = Points(this.Collect()["http.server.request.duration"]);
        var methods = durations.Select(p => (string)Tags(p)["http.request.method"]!).Distinct().ToList();
        var impossible = durations.Single(p => !Tags(p).ContainsKey("http.response.status_code"));
        Assert.Multiple(() =>
        {
            Assert.That(methods, Is.EquivalentTo(new[] { "GET", "_OTHER" }), "made-up methods make no series of their own");
            Assert.That(Tags(impossible)["error.type"], Is.EqualTo("_OTHER"));
        });
    }

    [Test]
    public void System_ObservesProcessAndSessionsAndRuntime()
    {
        using var system = new SystemMetrics();
        system.SessionStarted();

        var metrics = this.Collect();

        Assert.Multiple(() =>
        {
            Assert.That(Points(metrics["process.memory.usage"]).Single().GetSumLong(), Is.GreaterThan(0));
            Assert.That(Points(metrics["accuscene.process.memory.utilization"]).Single().GetGaugeLastValueDouble(), Is.InRange(0.0, 1.0));
            Assert.That(Points(metrics["process.cpu.time"]).Select(CpuMode), Is.EquivalentTo(new[] { "user", "system" }), "by cpu.mode");
            Assert.That(Points(metrics["process.cpu.time"]).Sum(p => p.GetSumDouble()), Is.GreaterThan(0));
            Assert.That(metrics["process.uptime"].MetricType, Is.EqualTo(MetricType.DoubleGauge), "a gauge, as the conventions define it");
            Assert.That(Points(metrics["process.uptime"]).Single().GetGaugeLastValueDouble(), Is.GreaterThan(0).And.EqualTo((DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds).Within(2), "since the process started, not since the instruments were created");
            Assert.That(Points(metrics["accuscene.sessions.active"]).Single().GetSumLong(), Is.EqualTo(1));
            Assert.That(metrics.Keys, Has.Some.StartsWith("dotnet."), "the System.Runtime meter is collected");
        });
    }

    [Test]
    public void BadValues_AreDroppedAndCounted()
    {
        using var simulation = new SimulationMetrics();
        using var collector = new MetricCollector<long>(simulation.Meter, "accuscene.metrics.rejected");

        Assert.DoesNotThrow(() =>
        {
            simulation.RecordStep(double.NaN, -1);
            simulation.RecordFramesPerSecond(double.PositiveInfinity);
        });
        var metrics = this.Collect();

        Assert.That(collector.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(3));
        Assert.That(metrics.ContainsKey("accuscene.simulation.step.duration") ? Points(metrics["accuscene.simulation.step.duration"]).Sum(p => p.GetHistogramCount()) : 0, Is.Zero);
    }

    [Test]
    public void RecordSizeAndRecordPool_KeepTheValidValuesAndCountEachBadOneUnderItsOwnInstrument()
    {
        using var cache = new CacheMetrics(namePrefix: "lab.");
        using var database = new DatabaseMetrics(namePrefix: "lab.");
        using var rejectedCache = new MetricCollector<long>(cache.Meter, "lab.accuscene.metrics.rejected");
        using var rejectedDatabase = new MetricCollector<long>(database.Meter, "lab.accuscene.metrics.rejected");

        cache.RecordSize("scenes", items: -1, sizeBytes: 4096);
        database.RecordPool("main", used: 3, idle: 2, max: -1);
        var metrics = this.Collect();

        Assert.Multiple(() =>
        {
            Assert.That(metrics.ContainsKey("lab.accuscene.cache.items"), Is.False, "the negative count is dropped");
            Assert.That(Points(metrics["lab.accuscene.cache.size"]).Single().GetGaugeLastValueLong(), Is.EqualTo(4096), "the valid size stays");
            Assert.That(Points(metrics["lab.accuscene.db.pool.connections"]).Select(p => p.GetGaugeLastValueLong()), Is.EquivalentTo(new long[] { 3, 2 }));
            Assert.That(metrics.ContainsKey("lab.accuscene.db.pool.max_connections"), Is.False);
            Assert.That(rejectedCache.GetMeasurementSnapshot().Select(m => m.Tags["instrument"]), Is.EqualTo(new[] { "lab.accuscene.cache.items" }));
            Assert.That(rejectedDatabase.GetMeasurementSnapshot().Select(m => m.Tags["instrument"]), Is.EqualTo(new[] { "lab.accuscene.db.pool.max_connections" }));
            Assert.That(() => cache.RecordSize(null!, 1, 1), Throws.ArgumentNullException, "as Hit and Miss: no series without a cache name");
        });
    }

    [Test]
    public void TagValuesFromData_AreCutTo256CharactersAndCounted()
    {
        // OpenTelemetry keeps every tag set of a metric for the life of the process: a raw path as the route must
        // not pin its full length there.
        using var api = new ApiMetrics();
        using var cache = new CacheMetrics();
        using var truncated = new MetricCollector<long>(api.Meter, "accuscene.metrics.truncated");
        using var cacheTruncated = new MetricCollector<long>(cache.Meter, "accuscene.metrics.truncated");
        var path = "/scenes/" + new string('x', 70_000);

        api.RequestCompleted("GET", path, 200, 0.01);
        cache.Hit(new string('c', 10_000));
        var metrics = this.Collect();

        var routes = Points(metrics["accuscene.api.requests"]).Select(p => (string)Tags(p)["http.route"]!).ToList();
        var caches = Points(metrics["accuscene.cache.hits"]).Select(p => (string)Tags(p)[AccuSceneAttributes.CacheName]!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(routes.Single(), Is.EqualTo(path[..256]));
            Assert.That(caches.Single(), Has.Length.EqualTo(256));
            Assert.That(truncated.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1), "one value cut, counted once");
            Assert.That(cacheTruncated.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
        });
    }

    [Test]
    public void BoundariesForAnInstrumentNamedInAnotherCase_ReplaceItsDefaults_InsteadOfAddingASecondStream()
    {
        // OpenTelemetry matches a view's name without case: two views would export the metric twice.
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddAccuScene(o => o.Metrics.HistogramBoundaries["HTTP.SERVER.REQUEST.DURATION"] = [0.1, 1])
            .AddInMemoryExporter(exported)
            .Build()!;
        using var api = new ApiMetrics();
        api.RequestCompleted("GET", "/scenes/{id}", 200, 0.05);

        provider.ForceFlush();

        var durations = exported.Where(m => m.Name == "http.server.request.duration").ToList();
        Assert.That(durations, Has.Count.EqualTo(1));
        Assert.That(ExplicitBounds(Points(durations[0]).Single()), Is.EqualTo(new[] { 0.1, 1, double.PositiveInfinity }));
    }

    [Test]
    public void NamePrefix_AppliesToAccuSceneNamesOnly()
    {
        using var database = new DatabaseMetrics(namePrefix: "lab.");
        database.RecordOperation("sqlite", "SELECT", 0.001);

        var metrics = this.Collect();

        Assert.That(metrics.Keys, Does.Contain("lab.accuscene.db.operations").And.Contain("db.client.operation.duration").And.Not.Contain("accuscene.db.operations"));
    }

    [Test]
    public void HistogramBoundariesFromOptions_AreAppliedAsViews()
    {
        using var meter = new Meter("AccuScene.Custom");
        meter.CreateHistogram<double>("accuscene.custom.duration", "s").Record(0.5);

        var metrics = this.Collect();

        Assert.That(ExplicitBounds(Points(metrics["accuscene.custom.duration"]).Single()), Is.EqualTo(new[] { 0.1, 1, double.PositiveInfinity }));
    }

    [Test]
    public void CardinalityBeyondTheLimit_FoldsIntoTheOverflowSeries()
    {
        using var cache = new CacheMetrics();
        for (var i = 0; i < 100_000; i++)
        {
            cache.Hit("cache-" + i);
        }

        var metrics = this.Collect();

        var points = Points(metrics["accuscene.cache.hits"]);
        var overflow = points.Where(p => Tags(p).TryGetValue("otel.metric.overflow", out var v) && Equals(v, true)).ToList();
        Assert.That(overflow, Has.Count.EqualTo(1));
        Assert.That(points, Has.Count.LessThanOrEqualTo(2_001), "the default cardinality limit (2,000) plus the overflow point bounds the points");
        Assert.That(points.Sum(p => p.GetSumLong()), Is.EqualTo(100_000), "no hit is lost, the excess is in the overflow series");
        var ratios = Points(metrics["accuscene.cache.hit_ratio"]);
        Assert.That(ratios, Has.Count.EqualTo(CacheMetrics.MaxTrackedCaches + 1), "the hit-ratio state is bounded too");
        Assert.That(ratios.Count(p => Tags(p).ContainsKey("otel.metric.overflow")), Is.EqualTo(1));
    }

    [Test]
    public void ServiceCollection_RegistersTheSetsOnTheMeterFactory()
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o => o.Metrics.NamePrefix = "di.");
        using var provider = services.BuildServiceProvider();

        var cache = provider.GetRequiredService<CacheMetrics>();

        Assert.That(cache.Meter.Scope, Is.SameAs(provider.GetRequiredService<IMeterFactory>()), "created through IMeterFactory");
        Assert.That(cache.NamePrefix, Is.EqualTo("di."));
        Assert.That(provider.GetRequiredService<SimulationMetrics>().Meter.Name, Is.EqualTo(SimulationMetrics.MeterName));
    }

    private static List<double> ExplicitBounds(MetricPoint point)
    {
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        return bounds;
    }
}
