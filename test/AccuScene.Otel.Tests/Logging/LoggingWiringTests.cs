using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.Logging;

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
    public void WiringLoggingTwice_WritesEachLineOnce()
    {
        var directory = Directory.CreateTempSubdirectory("accuscene-twice-").FullName;
        try
        {
            var services = new ServiceCollection();
            services.AddAccuScene(o => o.Logging.File.Path = Path.Combine(directory, "app.log"));
            services.AddLogging(b => b.AddAccuScene());
            using (var provider = services.BuildServiceProvider())
            {
                provider.GetRequiredService<ILoggerFactory>().CreateLogger("AccuScene.Twice").LogWarning("once");
            }

            Assert.That(File.ReadAllLines(Path.Combine(directory, "app.log")), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
