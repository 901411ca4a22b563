using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Propagation;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Builders;

/// <summary>
/// Registration changes nothing process-wide: the propagators are installed when the tracer provider is built,
/// a sampler the app set is kept unless <c>AccuScene:Tracing:SamplingRatio</c> is set, and the runtime's
/// semantic-convention metric names reach every exporter unchanged.
/// </summary>
[NonParallelizable]
public class ProcessWideStateTests
{
    private DistributedContextPropagator _original = null!;
    private TextMapPropagator _originalTextMap = null!;

    [SetUp]
    public void ResetPropagators()
    {
        _original = DistributedContextPropagator.Current;
        _originalTextMap = Propagators.DefaultTextMapPropagator;
        DistributedContextPropagator.Current = DistributedContextPropagator.CreateDefaultPropagator();
        Sdk.SetDefaultTextMapPropagator(new TraceContextPropagator());
    }

    [TearDown]
    public void RestorePropagators()
    {
        DistributedContextPropagator.Current = _original;
        Sdk.SetDefaultTextMapPropagator(_originalTextMap);
    }

    [Test]
    public void BareBuilder_InstallsThePropagatorsWhenBuilt_NotWhenAddAccuSceneIsCalled()
    {
        var builder = Sdk.CreateTracerProviderBuilder().AddAccuScene(o => o.Tracing.CollectHttp = false);

        Assert.Multiple(() =>
        {
            Assert.That(DistributedContextPropagator.Current, Is.Not.InstanceOf<AccuSceneDistributedContextPropagator>(), "after AddAccuScene()");
            Assert.That(Propagators.DefaultTextMapPropagator.Fields, Does.Not.Contain("x-accuscene-scene-id"), "after AddAccuScene()");
        });

        using var provider = builder.Build();

        Assert.Multiple(() =>
        {
            Assert.That(DistributedContextPropagator.Current, Is.InstanceOf<AccuSceneDistributedContextPropagator>(), "after Build()");
            Assert.That(Propagators.DefaultTextMapPropagator.Fields, Does.Contain("x-accuscene-scene-id").And.Contain("traceparent"), "after Build()");
        });
    }

    [Test]
    public void Facade_InstallsThePropagatorsAtStart()
    {
        using var telemetry = AccuSceneTelemetrySystem.Create(o => o.Tracing.CollectHttp = false);

        Assert.That(DistributedContextPropagator.Current, Is.Not.InstanceOf<AccuSceneDistributedContextPropagator>(), "after Create()");

        telemetry.Start();

        Assert.That(DistributedContextPropagator.Current, Is.InstanceOf<AccuSceneDistributedContextPropagator>(), "after Start()");
    }

    [Test]
    public void ServiceCollection_InstallsThePropagatorsWithTheTracerProvider()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAccuScene(o => o.Tracing.CollectHttp = false);
        using var provider = services.BuildServiceProvider();

        Assert.That(DistributedContextPropagator.Current, Is.Not.InstanceOf<AccuSceneDistributedContextPropagator>(), "after AddAccuScene()");

        var forAspNetCore = provider.GetRequiredService<DistributedContextPropagator>();

        Assert.Multiple(() =>
        {
            Assert.That(forAspNetCore, Is.InstanceOf<AccuSceneDistributedContextPropagator>(), "the propagator ASP.NET Core takes from DI");
            Assert.That(DistributedContextPropagator.Current, Is.SameAs(forAspNetCore));
        });
    }

    [TestCase(true, TestName = "AppSampler_SetBeforeAddAccuScene_IsKept")]
    [TestCase(false, TestName = "AppSampler_SetAfterAddAccuScene_IsKept")]
    public void AppSampler_IsKept(bool before)
    {
        var exported = new List<Activity>();
        var builder = Sdk.CreateTracerProviderBuilder();
        if (before)
        {
            builder.SetSampler(new AlwaysOffSampler());
        }

        builder.AddAccuScene(o => o.Tracing.CollectHttp = false);
        if (!before)
        {
            builder.SetSampler(new AlwaysOffSampler());
        }

        using (builder.AddInMemoryExporter(exported).Build())
        {
            AccuSceneTelemetry.ActivitySource.StartActivity("dropped by the app's sampler")?.Dispose();
        }

        Assert.That(exported, Is.Empty);
    }

    [Test]
    public void AppSampler_InDependencyInjection_IsKept()
    {
        var exported = new List<Activity>();
        var services = new ServiceCollection().AddLogging();
        services.AddAccuScene(o => o.Tracing.CollectHttp = false).WithTracing(t => t.SetSampler(new AlwaysOffSampler()).AddInMemoryExporter(exported));
        using (var provider = services.BuildServiceProvider())
        {
            _ = provider.GetRequiredService<TracerProvider>();
            AccuSceneTelemetry.ActivitySource.StartActivity("dropped by the app's sampler")?.Dispose();
        }

        Assert.That(exported, Is.Empty);
    }

    [Test]
    public void SamplingRatio_WhenSet_ReplacesTheAppSampler()
    {
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder()
            .SetSampler(new AlwaysOffSampler())
            .AddAccuScene(o =>
            {
                o.Tracing.CollectHttp = false;
                o.Tracing.SamplingRatio = 1.0;
            })
            .AddInMemoryExporter(exported)
            .Build())
        {
            AccuSceneTelemetry.ActivitySource.StartActivity("kept by the ratio")?.Dispose();
        }

        Assert.That(exported.Select(a => a.DisplayName), Is.EqualTo(new[] { "kept by the ratio" }));
    }

    [Test]
    public void RuntimeMetricNames_ReachOtherExportersUnchanged_WithThePrometheusEndpointOn()
    {
        var metrics = new List<Metric>();
        using (var provider = Sdk.CreateMeterProviderBuilder()
            .AddAccuScene(o =>
            {
                o.Dashboard.Enabled = false;
                o.Exporters.Prometheus.Enabled = true;
                o.Exporters.Prometheus.Port = LoopbackPort.GetFree();
            })
            .AddInMemoryExporter(metrics)
            .Build())
        {
            provider.ForceFlush();
        }

        var names = metrics.Select(m => m.Name).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(names, Does.Contain("dotnet.assembly.count").And.Contain("dotnet.thread_pool.thread.count"));
            Assert.That(names, Does.Not.Contain("dotnet.assembly.loaded").And.Not.Contain("dotnet.thread_pool.threads"));
        });
    }
}
