using System.Data.Common;
using AccuScene.Otel.Health;
using AccuScene.Otel.Tests.Fuzz;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Tests.Health;

/// <summary>
/// <c>HealthCheckService</c> calls a check's factory on every run: a database check's data source is resolved on
/// the first run and kept, so <c>_ =&gt; NpgsqlDataSource.Create(…)</c> is one pool, not a new one per run.
/// </summary>
public class DatabaseCheckDataSourceTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task TheDataSource_IsResolvedOnce_AndUsedOnEveryRun(CancellationToken cancellationToken)
    {
        var created = new List<DbDataSource>();
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddAccuSceneDatabaseCheck("db", _ =>
        {
            var source = new UnreachableDataSource();
            created.Add(source);
            return source;
        });
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var statuses = new List<HealthStatus>();
        for (var run = 0; run < 3; run++)
        {
            statuses.Add((await health.CheckHealthAsync(cancellationToken)).Entries["db"].Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy }), "each run used the data source");
        Assert.That(created, Has.Count.EqualTo(1), "resolved once");
    }

    [Test]
    public void AResolutionThatFailed_IsTriedAgainOnTheNextRun()
    {
        var attempts = 0;
        var once = new ResolvedOnce<DbDataSource>(_ => ++attempts == 1 ? throw new InvalidOperationException("not yet") : new UnreachableDataSource());
        using var provider = new ServiceCollection().BuildServiceProvider();

        Assert.That(() => once.Get(provider), Throws.InvalidOperationException.With.Message.EqualTo("not yet"));
        var second = once.Get(provider);
        var third = once.Get(provider);

        Assert.That((attempts, third), Is.EqualTo((2, second)));
    }
}
