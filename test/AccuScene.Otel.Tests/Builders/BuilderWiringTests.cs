using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Propagation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Builders;

public class BuilderWiringTests
{
    [Test]
    public void AddAccuScene_ReportsSystemMetrics_WithoutTheAppResolvingThem()
    {
        var exported = new List<Metric>();
        var services = new ServiceCollection();
        services.AddAccuScene(o => o.Dashboard.Enabled = false);
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported));
        using var provider = services.BuildServiceProvider();

        var meters = provider.GetRequiredService<MeterProvider>();
        meters.ForceFlush();

        Assert.That(
            exported.Where(m => m.MeterName == AccuScene.Otel.Instrumentation.Metrics.SystemMetrics.MeterName).Select(m => m.Name),
            Does.Contain("process.memory.usage").And.Contain("process.cpu.time"),
            "the meter provider creates SystemMetrics when it is built, so its observable instruments are collected");
    }

    [Test]
    public void AProviderBuildersAddAccuSceneOnServicesThatServicesAddAccuSceneWired_Throws_InEitherOrder()
    {
        // Each used to add every processor and exporter twice, so each span was exported twice.
        Assert.Multiple(() =>
        {
            Assert.That(
                () => new ServiceCollection().AddAccuScene().Services.ConfigureOpenTelemetryTracerProvider(t => t.AddAccuScene()),
                Throws.InvalidOperationException.With.Message.Contain("services.AddAccuScene() already wires traces, metrics and logs on these services; TracerProviderBuilder.AddAccuScene() would add"));
            Assert.That(
                () => new ServiceCollection().AddOpenTelemetry().WithMetrics(m => m.AddAccuScene()).Services.AddAccuScene(),
                Throws.InvalidOperationException.With.Message.Contain("MeterProviderBuilder.AddAccuScene() already wired a provider on these services; services.AddAccuScene() would add"));
        });

        // A bare builder has services of its own: nothing to collide with.
        using var tracer = Sdk.CreateTracerProviderBuilder().AddAccuScene().Build();
        Assert.That(tracer, Is.Not.Null);
    }

    [Test]
    public void AProviderBuildersAddAccuSceneCalledTwiceForOneProvider_Throws_AndMetricsAndTracesMayEachHaveOne()
    {
        // A library's ConfigureOpenTelemetryMeterProvider and the app's WithMetrics: every view, reader and exporter
        // used to be added twice (two streams of each histogram, every alert rule fed twice, each span exported twice).
        Assert.Multiple(() =>
        {
            Assert.That(
                () => new ServiceCollection().ConfigureOpenTelemetryMeterProvider(m => m.AddAccuScene()).AddOpenTelemetry().WithMetrics(m => m.AddAccuScene()),
                Throws.InvalidOperationException.With.Message.Contain("MeterProviderBuilder.AddAccuScene() was already called for this provider"));
            Assert.That(
                () => Sdk.CreateTracerProviderBuilder().AddAccuScene().AddAccuScene(),
                Throws.InvalidOperationException.With.Message.Contain("TracerProviderBuilder.AddAccuScene() was already called for this provider"));
        });

        var services = new ServiceCollection();
        services.AddOpenTelemetry().WithMetrics(m => m.AddAccuScene()).WithTracing(t => t.AddAccuScene());
        using var provider = services.BuildServiceProvider();
        Assert.That(new object?[] { provider.GetService<MeterProvider>(), provider.GetService<TracerProvider>() }, Has.None.Null);
    }

    [Test]
    public void TracerBuilder_CollectsAccuSceneSourcesOnly()
    {
        var exported = new List<Activity>();
        using var team = new ActivitySource("AccuScene.Collision.Team");
        using var rootNamed = new ActivitySource("AccuScene");
        using var other = new ActivitySource("Other.Library");
        using var lookalike = new ActivitySource("AccuSceneExtra");

        using (var provider = Sdk.CreateTracerProviderBuilder().AddAccuScene(o => o.Tracing.CollectHttp = false).AddInMemoryExporter(exported).Build())
        {
            team.StartActivity("team")?.Dispose();
            rootNamed.StartActivity("root")?.Dispose();
            other.StartActivity("other")?.Dispose();
            lookalike.StartActivity("lookalike")?.Dispose();
        }

        Assert.That(exported.Select(a => a.DisplayName), Is.EquivalentTo(new[] { "team", "root" }));
    }

    [Test]
    public void AServiceNamedInCode_WinsWhenAddedAfterAddAccuScene_AndLosesBefore()
    {
        // docs/configuration.md: OpenTelemetry merges resources in order, so AccuScene's service keys replace an
        // AddService registered before AddAccuScene(), and one registered after replaces them.
        using var before = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("named-before"))
            .AddAccuScene(o => o.Service.Name = "from-options")
            .Build()!;
        using var after = Sdk.CreateTracerProviderBuilder()
            .AddAccuScene(o => o.Service.Name = "from-options")
            .ConfigureResource(r => r.AddService("named-after"))
            .Build()!;

        Assert.That(
            (Name(before), Name(after)),
            Is.EqualTo(("from-options", "named-after")));

        static object Name(TracerProvider provider) =>
            provider.GetResource().Attributes.Single(a => a.Key == "service.name").Value;
    }

    [Test]
    public void TracerBuilder_SetsTheResource()
    {
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddAccuScene(o =>
            {
                o.Service.Name = "collision-worker";
                o.Service.Version = "2.0.0";
                o.Service.InstanceId = "worker-3";
                o.Service.Environment = "staging";
            })
            .AddInMemoryExporter(exported)
            .Build()!;

        var attributes = provider.GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Multiple(() =>
        {
            Assert.That(attributes["service.name"], Is.EqualTo("collision-worker"));
            Assert.That(attributes["service.version"], Is.EqualTo("2.0.0"));
            Assert.That(attributes["service.instance.id"], Is.EqualTo("worker-3"));
            Assert.That(attributes["deployment.environment.name"], Is.EqualTo("staging"));
            Assert.That(attributes["host.name"], Is.EqualTo(Environment.MachineName));
            Assert.That(attributes["telemetry.sdk.name"], Is.EqualTo("opentelemetry"));
        });
    }

    [Test]
    public void TracerBuilder_InstallsConsistentPropagators()
    {
        // From the defaults: an earlier test's provider may have installed the AccuScene propagator already.
        var (original, originalTextMap) = (DistributedContextPropagator.Current, Propagators.DefaultTextMapPropagator);
        DistributedContextPropagator.Current = DistributedContextPropagator.CreateDefaultPropagator();
        Sdk.SetDefaultTextMapPropagator(new OpenTelemetry.Context.Propagation.TraceContextPropagator());
        try
        {
            TheBuilderInstallsThem();
        }
        finally
        {
            DistributedContextPropagator.Current = original;
            Sdk.SetDefaultTextMapPropagator(originalTextMap);
        }
    }

    private static void TheBuilderInstallsThem()
    {
        using var provider = Sdk.CreateTracerProviderBuilder().AddAccuScene().Build();

        Assert.That(DistributedContextPropagator.Current, Is.InstanceOf<AccuSceneDistributedContextPropagator>());
        // System.Diagnostics also lists the legacy Correlation-Context header, which it only reads as a fallback.
        var injected = DistributedContextPropagator.Current.Fields.Where(f => f != "Correlation-Context");
        Assert.That(Propagators.DefaultTextMapPropagator.Fields, Is.SupersetOf(injected));
        Assert.That(Propagators.DefaultTextMapPropagator.Fields, Is.SupersetOf(new[] { "traceparent", "tracestate", "baggage", "x-accuscene-scene-id", "x-accuscene-session-id" }));
    }

    [TestCase(0.0, false)]
    [TestCase(1.0, true)]
    public void SamplingRatio_AppliesToNewRootsButFollowsSampledParents(double ratio, bool rootSampled)
    {
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder().AddAccuScene(o => o.Tracing.SamplingRatio = ratio).AddInMemoryExporter(exported).Build();
        var sampledParent = ActivityContext.Parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);

        AccuSceneTelemetry.ActivitySource.StartActivity("root")?.Dispose();
        AccuSceneTelemetry.ActivitySource.StartActivity("child-of-remote", ActivityKind.Server, sampledParent)?.Dispose();

        var names = exported.Select(a => a.DisplayName).ToList();
        Assert.That(names.Contains("root"), Is.EqualTo(rootSampled));
        Assert.That(names, Does.Contain("child-of-remote"));
    }

    [Test]
    public void RemoteParentBaggage_BecomesSpanAttributes()
    {
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder().AddAccuScene().AddInMemoryExporter(exported).Build();
        var parent = ActivityContext.Parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);

        using (var server = AccuSceneTelemetry.ActivitySource.StartActivity("server", ActivityKind.Server, parent))
        {
            server!.AddBaggage(AccuSceneAttributes.SceneId, "scene-5");
            server.AddBaggage(AccuSceneAttributes.SessionId, "session-5");
            using var child = AccuSceneTelemetry.ActivitySource.StartActivity("child");
        }

        var byName = exported.ToDictionary(a => a.DisplayName);
        Assert.That(byName["server"].GetTagItem(AccuSceneAttributes.SceneId), Is.EqualTo("scene-5"));
        Assert.That(byName["server"].GetTagItem(AccuSceneAttributes.SessionId), Is.EqualTo("session-5"));
        Assert.That(byName["child"].GetTagItem(AccuSceneAttributes.SceneId), Is.Null, "in-process internal children are not re-tagged");
    }

    [Test]
    public void ServerRootWithHeadersOnly_IsTaggedButInternalRootIsNot()
    {
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder().AddAccuScene().AddInMemoryExporter(exported).Build();

        using (var server = AccuSceneTelemetry.ActivitySource.StartActivity("server-root", ActivityKind.Server))
        {
            server!.AddBaggage(AccuSceneAttributes.SceneId, "scene-from-header");
        }

        using (var job = AccuSceneTelemetry.ActivitySource.StartActivity("internal-root"))
        {
            job!.AddBaggage(AccuSceneAttributes.SceneId, "scene-local");
        }

        var byName = exported.ToDictionary(a => a.DisplayName);
        Assert.That(byName["server-root"].GetTagItem(AccuSceneAttributes.SceneId), Is.EqualTo("scene-from-header"));
        Assert.That(byName["internal-root"].GetTagItem(AccuSceneAttributes.SceneId), Is.Null);
    }

    [Test]
    public void MeterBuilder_CollectsAccuSceneMetersOnly()
    {
        var exported = new List<Metric>();
        using var team = new Meter("AccuScene.Collision.Team");
        using var other = new Meter("Other.Library");
        var frames = team.CreateCounter<long>("accuscene.simulation.frames");
        var ignored = other.CreateCounter<long>("other.count");

        using (var provider = Sdk.CreateMeterProviderBuilder().AddAccuScene().AddInMemoryExporter(exported).Build()!)
        {
            frames.Add(3);
            ignored.Add(1);
            provider.ForceFlush();
        }

        Assert.That(exported.Select(m => m.Name), Does.Contain("accuscene.simulation.frames").And.Not.Contain("other.count"));
    }

    [Test]
    public void LoggingBuilder_RecordsCarryTheActiveSpan()
    {
        var records = new List<LogRecord>();
        var spans = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddAccuScene().AddInMemoryExporter(spans).Build();
        using (var loggers = LoggerFactory.Create(b => b.AddAccuScene(o => o.Service.Name = "log-test").AddOpenTelemetry(o => o.AddInMemoryExporter(records))))
        {
            var logger = loggers.CreateLogger("AccuScene.Tests");
            using var run = AccuSceneTelemetry.ActivitySource.StartActivity("run")!;
            using (logger.BeginScope(new Dictionary<string, object> { ["SceneId"] = "scene-3" }))
            {
#pragma warning disable CA1848, CA2254 // A plain call is what users write.
                logger.LogWarning(new InvalidOperationException("skid"), "Step {Step} exceeded budget", 12);
#pragma warning restore CA1848, CA2254
            }

            var record = records.Single();
            Assert.Multiple(() =>
            {
                Assert.That(record.TraceId, Is.EqualTo(run.TraceId));
                Assert.That(record.SpanId, Is.EqualTo(run.SpanId));
                Assert.That(record.Body, Is.EqualTo("Step {Step} exceeded budget"));
                Assert.That(record.FormattedMessage, Is.EqualTo("Step 12 exceeded budget"));
                Assert.That(record.Attributes!.Single(a => a.Key == "Step").Value, Is.EqualTo(12));
                Assert.That(record.Exception?.Message, Is.EqualTo("skid"));
                // Scopes travel as attributes, after the template's values, so redaction can mask them.
                Assert.That(record.Attributes!.Single(a => a.Key == "SceneId").Value, Is.EqualTo("scene-3"));
            });
        }
    }

    [Test]
    public async Task ServiceCollection_WiresAllThreeSignalsFromConfiguration()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Service:Name"] = "hosted-worker",
            ["AccuScene:Tracing:SamplingRatio"] = "1",
        });
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var logs = new List<LogRecord>();
        builder.Services.AddAccuScene(builder.Configuration.GetSection("AccuScene"))
            .WithTracing(t => t.AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddInMemoryExporter(metrics))
            .WithLogging(l => l.AddInMemoryExporter(logs));
        using var host = builder.Build();
        await host.StartAsync();
        using var meter = new Meter("AccuScene.Hosted");
        var counter = meter.CreateCounter<long>("accuscene.hosted.runs");

        using (var span = AccuSceneTelemetry.ActivitySource.StartActivity("hosted"))
        {
            counter.Add(2);
#pragma warning disable CA1848 // A plain call is what users write.
            host.Services.GetRequiredService<ILogger<BuilderWiringTests>>().LogInformation("inside {Span}", "hosted");
#pragma warning restore CA1848
        }

        var tracer = host.Services.GetRequiredService<TracerProvider>();
        tracer.ForceFlush();
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        host.Services.GetRequiredService<LoggerProvider>().ForceFlush();

        Assert.Multiple(() =>
        {
            Assert.That(spans.Select(s => s.DisplayName), Does.Contain("hosted"));
            Assert.That(tracer.GetResource().Attributes.Single(a => a.Key == "service.name").Value, Is.EqualTo("hosted-worker"));
            Assert.That(metrics.Select(m => m.Name), Does.Contain("accuscene.hosted.runs"));
            Assert.That(logs.Single(l => l.FormattedMessage == "inside hosted").TraceId, Is.EqualTo(spans.Single(s => s.DisplayName == "hosted").TraceId));
            Assert.That(host.Services.GetRequiredService<AccuSceneOptions>().Service.Name, Is.EqualTo("hosted-worker"));
            Assert.That(host.Services.GetRequiredService<DistributedContextPropagator>(), Is.SameAs(DistributedContextPropagator.Current));
        });
        await host.StopAsync();
    }

    [Test]
    public void OtelResourceAttributes_AreNotOverwrittenByDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=from-attributes,deployment.environment.name=qa,host.name=node-7",
        }).Build();

        using var provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(s => s.AddSingleton<IConfiguration>(configuration))
            .AddAccuScene(o => o.Service.Version = "9.9.9")
            .Build()!;
        var attributes = provider.GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Multiple(() =>
        {
            Assert.That(attributes["service.name"], Is.EqualTo("from-attributes"));
            Assert.That(attributes["deployment.environment.name"], Is.EqualTo("qa"));
            Assert.That(attributes["host.name"], Is.EqualTo("node-7"));
            Assert.That(attributes["service.version"], Is.EqualTo("9.9.9"), "explicit options still win");
        });
    }

    [TestCase("Staging", null, "Staging")]
    [TestCase("Production", null, "production")]
    [TestCase("Staging", "deployment.environment=qa", null)]
    public void TheEnvironment_IsTheHosts_AndTheOlderKeyCountsAsSet(string hostEnvironment, string? resourceAttributes, string? expected)
    {
        // dotnet run --environment Staging, or a test's UseEnvironment: the host's name, not the variables'.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = hostEnvironment, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_RESOURCE_ATTRIBUTES"] = resourceAttributes,
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
        });
        builder.Services.AddAccuScene(builder.Configuration);
        using var host = builder.Build();

        var attributes = host.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.That(attributes.GetValueOrDefault("deployment.environment.name"), Is.EqualTo(expected));
    }

    [Test]
    public void UseAccuScene_Twice_WiresOnce()
    {
        var services = new ServiceCollection();
        services.AddAccuScene();
        var count = services.Count;

        services.AddAccuScene();

        Assert.That(services, Has.Count.EqualTo(count));
    }

    [Test]
    public void DiskRetry_LayersOpenTelemetrySwitchesOverConfiguration()
    {
        var directory = Path.Combine(Path.GetTempPath(), "accuscene-retry-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        var original = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["App:Key"] = "kept" }).Build();
        services.AddSingleton<IConfiguration>(original);

        AccuSceneExporterWiring.AddDiskRetry(services, new AccuSceneDiskRetryOptions { Enabled = true, Directory = directory });
        using var provider = services.BuildServiceProvider();
        var configuration = provider.GetRequiredService<IConfiguration>();

        Assert.Multiple(() =>
        {
            Assert.That(configuration["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"], Is.EqualTo("disk"));
            Assert.That(configuration["OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH"], Is.EqualTo(directory));
            Assert.That(configuration["App:Key"], Is.EqualTo("kept"));
            Assert.That(Directory.Exists(directory), Is.True);
        });
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public async Task TelemetrySystem_RecordsWhileRunningAndNothingAfterStop()
    {
        var system = AccuSceneTelemetrySystem.Create(o => o.Service.Name = "facade");
        Assert.That(system.IsRunning, Is.False);
        Assert.That(system.ForceFlush(), Is.False, "nothing to flush before Start");

        system.Start();
        using (var span = AccuSceneTelemetry.ActivitySource.StartActivity("while-running"))
        {
            Assert.That(span?.Recorded, Is.True);
        }

        Assert.That(system.IsRunning, Is.True);
        Assert.That(system.TracerProvider!.GetResource().Attributes.Single(a => a.Key == "service.name").Value, Is.EqualTo("facade"));

        await system.StopAsync();

        Assert.That(system.IsRunning, Is.False);
        Assert.That(AccuSceneTelemetry.ActivitySource.StartActivity("after-stop"), Is.Null, "the providers stopped listening");
        Assert.Throws<ObjectDisposedException>(() => system.Start());
    }

    [Test]
    public void TelemetrySystem_StopAsyncWithCancelledToken_StillStops()
    {
        var system = AccuSceneTelemetrySystem.Create().Start();

        var stop = system.StopAsync(new CancellationToken(canceled: true));

        Assert.That(stop.IsCanceled, Is.True, "the caller stops waiting at once");
        Assert.That(() => system.IsRunning, Is.False.After(10_000, 50));
    }

    [TestCase("http://collector:4318", "v1/traces", "http://collector:4318/v1/traces")]
    [TestCase("http://collector:4318/", "v1/logs", "http://collector:4318/v1/logs")]
    [TestCase("http://collector:4318/otlp/v1/traces", "v1/metrics", "http://collector:4318/otlp/v1/metrics")]
    [TestCase("http://collector:4318/otlp?tenant=a", "v1/logs", "http://collector:4318/otlp/v1/logs?tenant=a")]
    public void HttpEndpoint_GetsTheSignalPath(string endpoint, string signal, string expected)
    {
        Assert.That(AccuSceneExporterWiring.AppendPath(new Uri(endpoint), signal), Is.EqualTo(new Uri(expected)));
    }
}
