using AccuScene.Otel.Health.Checks;
using Microsoft.Data.Sqlite;
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
}
