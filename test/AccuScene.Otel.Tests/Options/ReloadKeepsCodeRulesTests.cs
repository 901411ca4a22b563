using AccuScene.Otel.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AccuScene.Otel.Tests.Options;

/// <summary>A reload replaces the configured alert rules only, and only when they changed: rules added in code stay.</summary>
[NonParallelizable]
public sealed class ReloadKeepsCodeRulesTests
{
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

    private static async Task Until(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(100, cancellationToken);
        }
    }
}
