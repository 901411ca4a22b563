using System.Diagnostics;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Instrumentation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Options;

/// <summary><c>AddAccuScene()</c> on the Options pipeline: the host's section, bound lazily, validated on start, honouring Configure and PostConfigure.</summary>
[NonParallelizable]
public sealed class OptionsPipelineTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task NoArgument_ReadsTheHostsAccuSceneSection(CancellationToken cancellationToken)
    {
        var spans = new List<Activity>();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Service:Name"] = "from-appsettings",
            ["AccuScene:Dashboard:Enabled"] = "false",
        });
        builder.Services.AddAccuScene().WithTracing(t => t.AddInMemoryExporter(spans));
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);

        using (AccuSceneTelemetry.ActivitySource.StartActivity("from-host"))
        {
        }

        var tracer = host.Services.GetRequiredService<TracerProvider>();
        tracer.ForceFlush();
        Assert.Multiple(() =>
        {
            Assert.That(ServiceName(tracer), Is.EqualTo("from-appsettings"));
            Assert.That(spans.Select(s => s.DisplayName), Does.Contain("from-host"));
            Assert.That(host.Services.GetRequiredService<IOptions<AccuSceneOptions>>().Value.Dashboard.Enabled, Is.False);
        });
        await host.StopAsync(cancellationToken);
    }

    [TestCase("AccuScene:Servce:Name", "from-appsettings", "AccuScene:Servce is not a known setting")]
    [TestCase("AccuScene:Alerts:Rules:0:Treshold", "1000", "AccuScene:Alerts:Rules:0:Treshold is not a known setting")]
    [TestCase("AccuScene:Alerts:Webhooks:0:Formatt", "slack", "AccuScene:Alerts:Webhooks:0:Formatt is not a known setting")]
    [TestCase("AccuScene:Dashboard:Widgets:0:Unitt", "ms", "AccuScene:Dashboard:Widgets:0:Unitt is not a known setting")]
    [TestCase("AccuScene:Logging:LogLevel:Microsoft:AspNetCore", "Warning", "AccuScene:Logging:LogLevel:Microsoft:AspNetCore is not a known setting: AccuScene:Logging:LogLevel:Microsoft is a single value")]
    [TestCase("AccuScene:Alerts:Rules:0:Tags:route:template", "/x", "AccuScene:Alerts:Rules:0:Tags:route:template is not a known setting")]
    [TestCase("AccuScene:Metrics:HistogramBoundaries:x:0:y", "1", "AccuScene:Metrics:HistogramBoundaries:x:0:y is not a known setting")]
    [TestCase("AccuScene:Service:Name:First", "orders", "AccuScene:Service:Name:First is not a known setting")]
    [TestCase("AccuScene:Service", "orders", "AccuScene:Service is a section, not a value; set its settings (")]
    [TestCase("AccuScene:Exporters:Otlp", "http://collector:4317", "AccuScene:Exporters:Otlp is a section, not a value")]
    [TestCase("AccuScene:Alerts:Webhooks:0", "http://hooks", "AccuScene:Alerts:Webhooks:0 is a section, not a value")]
    [TestCase("AccuScene:Alerts:Webhooks", "https://hooks.example/services/T0/B0/SECRET", "AccuScene:Alerts:Webhooks is a section, not a value; set its entries (:0, :1, …) instead")]
    [TestCase("AccuScene:Logging:LogLevel", "Warning", "AccuScene:Logging:LogLevel is a section, not a value; set its entries (:<name>) instead")]
    [TestCase("AccuScene:Alerts:Alertmanager", "http://user:SECRET@am:9093", "AccuScene:Alerts:Alertmanager is a section, not a value")]
    [TestCase("AccuScene:Metrics:HistogramBoundaries:accuscene.x", "0.001,0.01", "AccuScene:Metrics:HistogramBoundaries:accuscene.x is a section, not a value; set its entries (:0, :1, …)")]
    [CancelAfter(30_000)]
    public async Task UnknownKey_FailsTheStart_NamingTheKey(string key, string value, string expected, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [key] = value,
            ["AccuScene:Alerts:Rules:0:Name"] = "slow",
            ["AccuScene:Alerts:Rules:0:Metric"] = "accuscene.test.latency",
        });
        builder.Services.AddAccuScene();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(cancellationToken));

        Assert.That(ex!.Message, Does.Contain(expected));

        // The message is logged on a reload: a value given where a section belongs may be a URL with a token.
        if (expected.Contains("is a section", StringComparison.Ordinal))
        {
            Assert.That(ex.Message, Does.Not.Contain(value));
        }
    }

    [Test]
    public void ConfigureAndPostConfigure_AreHonoured()
    {
        var services = new ServiceCollection();
        services.AddAccuScene();
        services.Configure<AccuSceneOptions>(o => (o.Service.Name, o.Service.Version) = ("configured", "1.0"));
        services.PostConfigure<AccuSceneOptions>(o => o.Service.Version = "2.0");
        using var provider = services.BuildServiceProvider();

        var tracer = provider.GetRequiredService<TracerProvider>();

        Assert.Multiple(() =>
        {
            Assert.That(ServiceName(tracer), Is.EqualTo("configured"));
            Assert.That(tracer.GetResource().Attributes.Single(a => a.Key == "service.version").Value, Is.EqualTo("2.0"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ConfigurationAddedAfterAddAccuScene_IsRead_AsWebApplicationFactoryAddsIt(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Service:Name"] = "added-later" });
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);

        Assert.That(ServiceName(host.Services.GetRequiredService<TracerProvider>()), Is.EqualTo("added-later"));
        await host.StopAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task RegistrationTimeSetting_ChangedLater_FailsTheStart_NamingTheKey(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene();
        builder.Services.Configure<AccuSceneOptions>(o => o.Exporters.Prometheus.Enabled = true);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(cancellationToken));

        Assert.That(ex!.Message, Does.Contain("AccuScene:Exporters:Prometheus:Enabled is read when AddAccuScene() is called").And.Contain("it was 'False' then and is 'True' now"));
    }

    [Test]
    public void SecondAddAccuScene_WithOtherSettings_Throws()
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o => o.Service.Name = "first");

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddAccuScene(o => o.Service.Name = "second"));

        Assert.That(ex!.Message, Does.Contain("already called"));
    }

    [Test]
    public void SecondAddAccuScene_WithTheSameSettings_AddsNothing()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        services.AddAccuScene(configuration);
        var count = services.Count;

        services.AddAccuScene(configuration);

        Assert.That(services, Has.Count.EqualTo(count));
    }

    [Test]
    public void SecondAddAccuScene_WithoutArguments_OrTheSameSection_AddsNothing()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Service:Name"] = "x" }).Build();
        var services = new ServiceCollection();
        services.AddAccuScene(configuration.GetSection("AccuScene"));
        var count = services.Count;

        services.AddAccuScene();
        services.AddAccuScene(configuration.GetSection("AccuScene"));

        Assert.That(services, Has.Count.EqualTo(count));
    }

    [Test]
    public void AddAccuSceneWithoutArguments_ThenWithTheHostsAccuSceneSection_IsTheSameCall()
    {
        // A shared defaults library calls services.AddAccuScene(); the app then names the host's section, as the docs show.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Service:Name"] = "x" }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAccuScene();
        var count = services.Count;

        services.AddAccuScene(configuration.GetSection("AccuScene"));

        Assert.That(services, Has.Count.EqualTo(count));
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IOptions<AccuSceneOptions>>().Value.Service.Name, Is.EqualTo("x"));

        // A section of that name from other settings would be dropped: it is refused, as any other arguments are.
        var other = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Service:Name"] = "y" }).Build();
        Assert.That(() => services.AddAccuScene(other.GetSection("AccuScene")), Throws.InvalidOperationException);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task RegistrationTimeHeaders_AreNotShownInTheFailure(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAccuScene(o => o.Exporters.Otlp.Enabled = false);
        builder.Services.Configure<AccuSceneOptions>(o => o.Exporters.Otlp.Headers = "api-key=secret-value");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("AccuScene:Exporters:Otlp:Headers is read when AddAccuScene() is called").And.Contain("(set, 20 characters)"));
            Assert.That(ex.Message, Does.Not.Contain("secret-value"));
        });
    }

    [Test]
    public void Facade_ValidatesAtStart_OptionsChangedAfterCreate()
    {
        using var telemetry = AccuSceneTelemetrySystem.Create(o => o.Dashboard.Enabled = false);
        telemetry.Options.Tracing.SamplingRatio = 5;

        var ex = Assert.Throws<OptionsValidationException>(() => telemetry.Start());

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("AccuScene:Tracing:SamplingRatio must be between 0 and 1; it is 5."));
            Assert.That(telemetry.IsRunning, Is.False);
        });
    }

    [Test]
    public void Facade_AddsAndRemovesRules_AtRunTime()
    {
        using var telemetry = AccuSceneTelemetrySystem.Create().Start();
        var engine = telemetry.Alerts!;
        var rule = new AlertRule { Name = "added", Metric = "accuscene.test.queue", Threshold = 10, For = TimeSpan.Zero };

        engine.AddRule(rule);
        engine.Check("accuscene.test.queue", 50);
        var fired = engine.Active().Select(a => (a.Rule, a.State)).ToList();
        var removed = engine.RemoveRule("added");

        Assert.Multiple(() =>
        {
            Assert.That(fired, Does.Contain(("added", AlertState.Firing)));
            Assert.That(removed, Is.True);
            Assert.That(engine.Rules, Is.Empty);
            Assert.That(engine.Active(), Is.Empty);
            Assert.That(engine.History().Single().State, Is.EqualTo(AlertState.Resolved), "a removed rule's firing alert resolves");
            Assert.That(() => engine.AddRule(new AlertRule { Name = "bad", Metric = "m", Quantile = 2 }), Throws.ArgumentException.With.Message.Contain("Quantile"));
        });
    }

    [Test]
    public void ARulesFileSetByAPostConfigureAfterAddAccuScene_IsRead_AndAMissingOneFailsNamingIt()
    {
        var rulesFile = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(rulesFile, """{ "Rules": [ { "Name": "from-file", "Metric": "accuscene.test.queue", "Threshold": 5 } ] }""");
        try
        {
            AccuSceneOptions Resolve(string path)
            {
                var services = new ServiceCollection();
                services.AddAccuScene(new ConfigurationBuilder().Build());
                services.PostConfigure<AccuSceneOptions>(o => o.Alerts.RulesFile = path);
                using var provider = services.BuildServiceProvider();
                return provider.GetRequiredService<IOptions<AccuSceneOptions>>().Value;
            }

            var read = Resolve(rulesFile);
            var missing = rulesFile + ".missing";
            Assert.Multiple(() =>
            {
                Assert.That(read.Alerts.Rules.Select(r => r.Name), Is.EqualTo(new[] { "from-file" }));
                Assert.That(() => Resolve(missing), Throws.InstanceOf<OptionsValidationException>().With.Message.Contain("RulesFile").And.Message.Contain(".missing"));
            });
        }
        finally
        {
            File.Delete(rulesFile);
        }
    }

    private static object ServiceName(TracerProvider tracer) =>
        tracer.GetResource().Attributes.Single(a => a.Key == "service.name").Value;
}
