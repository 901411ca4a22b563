using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Text;
using AccuScene.Otel.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.Health;

/// <summary>What the monitor keeps of a run, and who hears of it, whatever the check, the loggers or the scheduler do.</summary>
public class HealthResultKeepingTests
{
    private static readonly HealthDependency Database = new("scenes-db", "database");

    [Test]
    public async Task ACheckThatReusesItsData_CannotChangeAResultAlreadyKept()
    {
        var host = new StringBuilder("db-1");
        var data = new Dictionary<string, object> { ["host"] = host, ["latency_ms"] = 3.5 };
        using var health = new HealthHarness(b => b.AddDependencyCheck("db", Database, _ => new DataCheck(data)));

        await health.RunAsync("db");
        data.Clear();
        data["other"] = 1;
        host.Append(new string('x', 1000));

        var kept = health.Monitor.GetReport(HealthProbe.Ready).Entries.Single().Data;
        Assert.That(kept, Is.EquivalentTo(new Dictionary<string, object> { ["host"] = "db-1", ["latency_ms"] = 3.5 }));
    }

    [Test]
    public async Task TheStatusGauge_SaysWhatTheLiveProbeSays_WhenTheSchedulerIsStuck()
    {
        using var health = new HealthHarness(b => b.AddDependencyCheck("process", Database, _ => new ScriptedCheck(HealthStatus.Healthy), tags: HealthTags.Live));
        await health.RunAsync("process");
        health.Time.Advance(TimeSpan.FromMinutes(5));

        var gauge = new List<int>();
        var factory = health.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "accuscene.health.status")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => gauge.Add(value));
        listener.Start();
        listener.RecordObservableInstruments();

        var probe = health.Monitor.GetReport(HealthProbe.Live).Entries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(probe.Status, Is.EqualTo(HealthStatus.Unhealthy), "the live probe: not run for five minutes");
            Assert.That(gauge, Is.EqualTo(new[] { (int)HealthStatus.Unhealthy }));
        });
    }

    [Test]
    public async Task ALoggerThatThrows_DoesNotHideTheChangeFromItsListeners()
    {
        using var health = new HealthHarness(b =>
        {
            b.Services.AddLogging(l => l.AddProvider(new ThrowingLoggerProvider()));
            b.AddDependencyCheck("db", Database, _ => new ScriptedCheck(HealthStatus.Healthy));
        });
        var heard = new List<HealthStatusChange>();
        health.Monitor.StatusChanged += (_, change) => heard.Add(change);

        await health.RunAsync("db");

        Assert.That(heard.Select(c => (c.Name, c.Current)), Is.EqualTo(new[] { ("db", HealthStatus.Healthy) }));
    }

    [TestCase("")]
    [TestCase("  ")]
    public void ABlankProbeQuery_IsRefusedWhenTheCheckIsAdded(string query)
    {
        var checks = new ServiceCollection().AddHealthChecks();

        Assert.Multiple(() =>
        {
            Assert.That(() => checks.AddAccuSceneDatabaseCheck("db", _ => (DbConnection)null!, query), Throws.ArgumentException.With.Property("ParamName").EqualTo("query"));
            Assert.That(() => checks.AddAccuSceneDatabaseCheck("db", _ => (DbDataSource)null!, query), Throws.ArgumentException.With.Property("ParamName").EqualTo("query"));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void ABlankLivenessCheckName_IsRefusedBeforeAnythingIsRegistered(string? name)
    {
        var services = new ServiceCollection();
        var checks = services.AddHealthChecks();
        var before = services.Count;

        // Before, a blank name was taken (no AccuScene:Health:Checks key could reach it), and null threw only after the scheduler was registered.
        Assert.That(() => checks.AddAccuSceneLivenessCheck(name!), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("name"));
        Assert.That(services, Has.Count.EqualTo(before));
    }

    private sealed class DataCheck(Dictionary<string, object> data) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy("ok", data));
    }

    private sealed class ThrowingLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ThrowingLogger();

        public void Dispose()
        {
        }

        private sealed class ThrowingLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                throw new InvalidOperationException("the log sink is down");
        }
    }
}
