using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Options;

/// <summary>Alert rules and log levels follow the configuration without a restart; a bad reload keeps what was in effect.</summary>
[NonParallelizable]
public sealed class OptionsReloadTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("accuscene-reload-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(60_000)]
    public async Task RulesFile_ChangedUnderARunningHost_IsEvaluated_AndABrokenFileKeepsTheRules(CancellationToken cancellationToken)
    {
        using var refused = new MetricCollector<long>(null, "AccuScene.Otel", "accuscene.otel.options.reload_failures");
        var rulesFile = Path.Combine(_directory, "rules.json");
        await File.WriteAllTextAsync(rulesFile, Rules("queue-high", "accuscene.reload.queue", 1_000_000), cancellationToken);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Alerts:RulesFile"] = rulesFile,
            ["AccuScene:Alerts:EvaluationIntervalMilliseconds"] = "500",
            ["AccuScene:Dashboard:Enabled"] = "false",
        });
        builder.Services.AddAccuScene();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var engine = host.Services.GetRequiredService<AccuSceneAlertEngine>();
        using var meter = new Meter("AccuScene.Reload");
        var queue = meter.CreateUpDownCounter<long>("accuscene.reload.queue");
        queue.Add(50);
        Assert.That(engine.Rules.Select(r => r.Name), Is.EqualTo(new[] { "queue-high" }));

        // A rule the value breaks, written under the running host.
        await File.WriteAllTextAsync(rulesFile, Rules("queue-low", "accuscene.reload.queue", 10), cancellationToken);
        await Until(() => engine.Active().Any(a => a is { Rule: "queue-low", State: AlertState.Firing }), cancellationToken);
        var before = refused.GetMeasurementSnapshot().Sum(m => m.Value);

        await File.WriteAllTextAsync(rulesFile, "{ \"Rules\": [ { \"Name\": \"broken\", \"Metrik\": \"x\" } ] }", cancellationToken);
        await Until(() => refused.GetMeasurementSnapshot().Sum(m => m.Value) > before, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(engine.Rules.Select(r => r.Name), Is.EqualTo(new[] { "queue-low" }), "the broken file kept the rules in effect");
            Assert.That(engine.Active().Single().State, Is.EqualTo(AlertState.Firing), "and their state");
        });
        await host.StopAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task LogLevels_FollowAReloadOfTheSection(CancellationToken cancellationToken)
    {
        using var host = await StartWithALogLevelAsync(cancellationToken);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Reloaded.Category");
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        var before = logger.IsEnabled(LogLevel.Information);

        configuration["AccuScene:Logging:LogLevel:Reloaded.Category"] = "Error";
        configuration.Reload();
        await Until(() => !logger.IsEnabled(LogLevel.Information), cancellationToken);

        // A bad value keeps the levels in effect.
        configuration["AccuScene:Logging:LogLevel:Reloaded.Category"] = "Loud";
        configuration.Reload();
        await Task.Delay(1_000, cancellationToken); // nothing to poll for: the refusal is that nothing changes
        Assert.Multiple(() =>
        {
            Assert.That(before, Is.True);
            Assert.That(logger.IsEnabled(LogLevel.Warning), Is.False);
            Assert.That(logger.IsEnabled(LogLevel.Error), Is.True);
        });
        await host.StopAsync(cancellationToken);
    }

    /// <summary>
    /// A reload builds and validates the options once, and the monitor gets that instance: it does not bind and
    /// read the rules file a second time, so it cannot hold other options than the alert rules and log levels.
    /// </summary>
    [Test]
    [CancelAfter(60_000)]
    public async Task AReload_HandsTheMonitorTheInstanceItValidated(CancellationToken cancellationToken)
    {
        using var host = await StartWithALogLevelAsync(cancellationToken);
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<AccuSceneOptions>>();
        var source = host.Services.GetRequiredService<AccuSceneOptionsReloadSource>();
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        var initial = monitor.CurrentValue;

        configuration["AccuScene:Logging:LogLevel:Reloaded.Category"] = "Error";
        configuration.Reload();
        await Until(() => monitor.CurrentValue.Logging.LogLevel.GetValueOrDefault("Reloaded.Category") == LogLevel.Error, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(monitor.CurrentValue, Is.Not.SameAs(initial));
            Assert.That(monitor.CurrentValue, Is.SameAs(source.Current), "the reload's validated instance, not a second build");
        });
        await host.StopAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ARegistrationTimeKeyChangedByAReload_DoesNotBlockTheRulesReload(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Dashboard:Enabled"] = "false" });
        builder.Services.AddAccuScene();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var engine = host.Services.GetRequiredService<AccuSceneAlertEngine>();
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();

        configuration["AccuScene:Exporters:Prometheus:Port"] = "9999";
        configuration["AccuScene:Alerts:Rules:0:Name"] = "added-by-reload";
        configuration["AccuScene:Alerts:Rules:0:Metric"] = "accuscene.reload.anything";
        configuration.Reload();
        await Until(() => engine.Rules.Count == 1, cancellationToken);

        Assert.That(engine.Rules.Single().Name, Is.EqualTo("added-by-reload"));
        await host.StopAsync(cancellationToken);
    }

    // A host whose AccuScene section sets one log level (Reloaded.Category: Information), started.
    [Test]
    [CancelAfter(60_000)]
    public async Task AnAppListenerThatThrows_IsAListenerFailure_NotARefusedReload(CancellationToken cancellationToken)
    {
        using var refused = new MetricCollector<long>(null, "AccuScene.Otel", "accuscene.otel.options.reload_failures");
        using var errors = new MetricCollector<long>(AccuScene.Otel.Diagnostics.AccuSceneSelfDiagnostics.ProcessorErrors);
        using var host = await StartWithALogLevelAsync(cancellationToken);
        using var listener = host.Services.GetRequiredService<IOptionsMonitor<AccuSceneOptions>>().OnChange(_ => throw new InvalidOperationException("the app's listener"));
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Reloaded.Category");
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();

        configuration["AccuScene:Logging:LogLevel:Reloaded.Category"] = "Error";
        configuration.Reload();
        await Until(() => errors.GetMeasurementSnapshot().ContainsTags("processor").Any(m => m.Tags["processor"] is "options-monitor-listener"), cancellationToken);
        await Until(() => !logger.IsEnabled(LogLevel.Information), cancellationToken);

        // It used to be logged and counted as "refused; the previous options stay in effect", which they did not.
        Assert.That(refused.GetMeasurementSnapshot().Sum(m => m.Value), Is.Zero);
        await host.StopAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ReloadsOfOtherSettingsAndOfTheConfiguredRules_KeepARuleAddedInCode(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Dashboard:Enabled"] = "false",
            ["AccuScene:Alerts:Rules:0:Name"] = "configured",
            ["AccuScene:Alerts:Rules:0:Metric"] = "accuscene.reload.configured",
            ["AccuScene:Alerts:Rules:0:Threshold"] = "1",
        });
        builder.Services.AddAccuScene();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var engine = host.Services.GetRequiredService<AccuSceneAlertEngine>();
        var source = host.Services.GetRequiredService<AccuSceneOptionsReloadSource>();
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        engine.AddRule(new AlertRule { Name = "from-code", Metric = "accuscene.reload.code", Threshold = 5 });

        // Any change in the app's configuration signals a reload of the AccuScene section too.
        var before = source.Current;
        configuration["Logging:LogLevel:Default"] = "Warning";
        configuration.Reload();
        await Until(() => !ReferenceEquals(source.Current, before), cancellationToken);

        configuration["AccuScene:Alerts:Rules:0:Threshold"] = "2";
        configuration.Reload();
        await Until(() => engine.Rules.Any(r => r is { Name: "configured", Threshold: 2 }), cancellationToken);

        Assert.That(engine.Rules.Select(r => r.Name), Is.EqualTo(new[] { "configured", "from-code" }), "the rule added in code used to go at every reload");
        await host.StopAsync(cancellationToken);
    }

    [Test]
    public void UnchangedConfiguredRules_ChangeNothing_SoARuleRemovedInCodeStaysRemoved()
    {
        static AlertRule Configured() => new() { Name = "configured", Metric = "accuscene.reload.configured", Threshold = 1 };
        var engine = new AccuSceneAlertEngine([Configured()]);
        engine.AddRule(new AlertRule { Name = "from-code", Metric = "accuscene.reload.code", Threshold = 5 });
        engine.RemoveRule("configured");

        var applied = engine.ReplaceConfiguredRules([Configured()], [Configured()]);

        Assert.Multiple(() =>
        {
            Assert.That(applied, Is.False);
            Assert.That(engine.Rules.Select(r => r.Name), Is.EqualTo(new[] { "from-code" }));
        });
    }

    private static async Task<IHost> StartWithALogLevelAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Logging:LogLevel:Reloaded.Category"] = "Information",
            ["AccuScene:Dashboard:Enabled"] = "false",
        });
        builder.Services.AddAccuScene();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static string Rules(string name, string metric, double threshold) =>
        $$"""{ "Rules": [ { "Name": "{{name}}", "Metric": "{{metric}}", "Threshold": {{threshold}}, "For": "00:00:00", "Window": "00:00:05" } ] }""";

    private static async Task Until(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(100, cancellationToken);
        }
    }
}
