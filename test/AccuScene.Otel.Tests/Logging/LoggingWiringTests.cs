using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.Logging;

[NonParallelizable] // one test sets an AccuScene__* variable, which the bare builders of other tests would read
public class LoggingWiringTests
{
    [Test]
    public async Task HostedApp_WritesTheFileFromConfiguration_WithPerCategoryLevels()
    {
        var directory = Directory.CreateTempSubdirectory("accuscene-wiring-").FullName;
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:AccuScene.Quiet"] = "Warning",
                ["AccuScene:Logging:LogLevel:AccuScene.Noisy"] = "Warning",
                ["AccuScene:Logging:File:Path"] = Path.Combine(directory, "app.log"),
                ["AccuScene:Logging:File:Format"] = "json",
            });
            builder.Logging.ClearProviders();
            builder.Services.AddAccuScene(builder.Configuration);
            using (var host = builder.Build())
            {
                await host.StartAsync();
                var factory = host.Services.GetRequiredService<ILoggerFactory>();
                factory.CreateLogger("AccuScene.Noisy.Worker").LogInformation("filtered out");
                factory.CreateLogger("AccuScene.Noisy.Worker").LogWarning("kept warning");
                factory.CreateLogger("AccuScene.Quiet").LogWarning("kept warning {Password}", "pw");
                factory.CreateLogger("AccuScene.Quiet").LogInformation("below the standard Logging:LogLevel rule of its category");
                await host.StopAsync();
            }

            var messages = File.ReadAllLines(Path.Combine(directory, "app.log"))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Where(l => l.GetProperty("category").GetString()!.StartsWith("AccuScene.", StringComparison.Ordinal))
                .Select(l => l.GetProperty("message").GetString())
                .ToList();
            Assert.That(messages, Is.EqualTo(new[] { "kept warning", "kept warning [REDACTED]" }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void ILoggingBuilderAddAccuSceneTwiceWithoutADelegate_WritesEachLineOnce()
    {
        var directory = Directory.CreateTempSubdirectory("accuscene-twice-").FullName;
        var variable = "AccuScene__Logging__File__Path";
        var original = Environment.GetEnvironmentVariable(variable);
        try
        {
            Environment.SetEnvironmentVariable(variable, Path.Combine(directory, "app.log"));
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddAccuScene().AddAccuScene()); // a library and the app, say: the same settings
            using (var provider = services.BuildServiceProvider())
            {
                provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Twice").LogWarning("once");
            }

            Assert.That(File.ReadAllLines(Path.Combine(directory, "app.log")), Has.Length.EqualTo(1));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, original);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void ASecondWiringWhoseOptionsWouldBeIgnored_Throws_NamingBothCalls()
    {
        // Each of these used to drop the second call's options without a word (logs then ignored appsettings.json).
        Assert.Multiple(() =>
        {
            Assert.That(
                () => { var services = new ServiceCollection(); services.AddAccuScene(); services.AddLogging(b => b.AddAccuScene()); },
                Throws.InvalidOperationException.With.Message.Contain("already wired on these services by services.AddAccuScene(); ILoggingBuilder.AddAccuScene() would be ignored"));
            Assert.That(
                () => new ServiceCollection().AddLogging(b => b.AddAccuScene()).AddAccuScene(),
                Throws.InvalidOperationException.With.Message.Contain("already wired on these services by ILoggingBuilder.AddAccuScene(); services.AddAccuScene() would be ignored"));
            Assert.That(
                () => new ServiceCollection().AddLogging(b => b.AddAccuScene(o => o.Logging.Console.Enabled = true).AddAccuScene()),
                Throws.InvalidOperationException);
        });
    }
}
