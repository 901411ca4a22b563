using System.Data.Common;
using AccuScene.Otel.Health.Checks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.IntegrationTests.Health;

/// <summary>The database check against a real SQLite file (Microsoft.Data.Sqlite).</summary>
public class SqliteHealthTests
{
    private static readonly HealthCheckContext Context = new()
    {
        Registration = new HealthCheckRegistration("sqlite", _ => null!, HealthStatus.Unhealthy, []),
    };

    [Test]
    [CancelAfter(180_000)]
    public async Task AFileMadeUnreadable_FailsTheCheck(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("accuscene-sqlite-").FullName;
        try
        {
            var path = Path.Combine(directory, "scenes.db");
            var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString;
            await using (var create = new SqliteConnection(connectionString))
            {
                await create.OpenAsync(cancellationToken);
                await using var command = create.CreateCommand();
                command.CommandText = "CREATE TABLE scenes (id TEXT PRIMARY KEY)";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            var check = new DatabaseHealthCheck(SqliteFactory.Instance.CreateDataSource(connectionString), "SELECT count(*) FROM scenes");
            var healthy = await check.CheckHealthAsync(Context, cancellationToken);

            // Root reads any file whatever its mode, so the file is also made unreadable as SQLite sees it:
            // its header is overwritten first, then its mode is set to 000 (which alone fails the open for
            // any other user).
            await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                stream.Write(new byte[100]);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.None);
            }

            var failed = await check.CheckHealthAsync(Context, cancellationToken);

            Assert.That(healthy.Status, Is.EqualTo(HealthStatus.Healthy), healthy.Description);
            Assert.That(failed.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(failed.Exception, Is.InstanceOf<SqliteException>());
            TestContext.Out.WriteLine($"sqlite: unreadable file -> {failed.Status}: {failed.Description}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task BothDatabaseRegistrations_ReadTheLatencyFromTheContainersClock(CancellationToken cancellationToken)
    {
        // The probe query calls a function that moves the container's clock on by 250 ms, as a slow query would.
        var clock = new ManualClock();
        SqliteConnection Connection()
        {
            var connection = new SqliteConnection("Data Source=:memory:");
            connection.CreateFunction("slow", () => clock.Advance(TimeSpan.FromMilliseconds(250)));
            return connection;
        }

        var throughFactory = await LatencyAsync(checks => checks.AddAccuSceneDatabaseCheck("db", _ => Connection(), "SELECT slow()"));
        var throughSource = await LatencyAsync(checks => checks.AddAccuSceneDatabaseCheck("db", _ => new SlowSource(Connection), "SELECT slow()"));

        Assert.That((throughFactory, throughSource), Is.EqualTo((250.0, 250.0)));

        async Task<object> LatencyAsync(Action<IHealthChecksBuilder> add)
        {
            var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock);
            add(services.AddHealthChecks());
            await using var provider = services.BuildServiceProvider();
            var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(cancellationToken);
            Assert.That(report.Entries["db"].Status, Is.EqualTo(HealthStatus.Healthy), report.Entries["db"].Description);
            return report.Entries["db"].Data["latency_ms"];
        }
    }

    /// <summary>A clock whose timestamps move only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public int Advance(TimeSpan by)
        {
            Interlocked.Add(ref _ticks, by.Ticks);
            return 1;
        }
    }

    /// <summary>A data source whose connections know the clock-moving function.</summary>
    private sealed class SlowSource(Func<SqliteConnection> create) : DbDataSource
    {
        public override string ConnectionString => "Data Source=:memory:";

        protected override DbConnection CreateDbConnection() => create();
    }
}
