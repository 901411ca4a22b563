using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace AccuScene.Otel.Demo;

/// <summary>
/// The demo's embedded database: a SQLite file with the scenes and the stored simulation results. It is
/// created and seeded at start-up in a temporary directory (or <c>Demo:DatabasePath</c>), and opened without
/// pooling and without "create", so a missing file fails every query, which is what <c>--chaos</c> uses.
/// </summary>
internal sealed class SceneStore : IDisposable
{
    private readonly string? _temporaryDirectory;

    public SceneStore(IConfiguration configuration)
    {
        if (configuration["Demo:DatabasePath"] is { Length: > 0 } configured)
        {
            this.Path = System.IO.Path.GetFullPath(configured);
        }
        else
        {
            _temporaryDirectory = Directory.CreateTempSubdirectory("accuscene-demo-").FullName;
            this.Path = System.IO.Path.Combine(_temporaryDirectory, "scenes.db");
        }

        // A file left aside by --chaos in a killed run goes back first.
        if (!File.Exists(this.Path) && File.Exists(this.Path + ".offline"))
        {
            File.Move(this.Path + ".offline", this.Path);
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(this.Path)!);
        this.Seed();
        this.DataSource = SqliteFactory.Instance.CreateDataSource(new SqliteConnectionStringBuilder
        {
            DataSource = this.Path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ConnectionString);
    }

    public string Path { get; }

    public DbDataSource DataSource { get; }

    public async Task<SceneDto?> FindSceneAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await this.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "SELECT vehicles FROM scenes WHERE id = $id";
                command.Parameters.Add(new SqliteParameter("$id", id));
                var vehicles = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return vehicles is long count ? new SceneDto(id, (int)count) : null;
            }
        }
    }

    public async Task StoreResultsAsync(string sceneId, long fromStep, int steps, CancellationToken cancellationToken)
    {
        var connection = await this.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "INSERT INTO results (scene_id, first_step, steps) VALUES ($scene, $from, $steps)";
                command.Parameters.Add(new SqliteParameter("$scene", sceneId));
                command.Parameters.Add(new SqliteParameter("$from", fromStep));
                command.Parameters.Add(new SqliteParameter("$steps", steps));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        this.DataSource.Dispose();
        if (_temporaryDirectory is not null)
        {
            try
            {
                Directory.Delete(_temporaryDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean; nothing in it matters after exit.
            }
        }
    }

    private void Seed()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = this.Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS scenes (id TEXT PRIMARY KEY, vehicles INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS results (scene_id TEXT NOT NULL, first_step INTEGER NOT NULL, steps INTEGER NOT NULL);
            INSERT OR IGNORE INTO scenes (id, vehicles) VALUES ('scene-1', 2), ('scene-2', 2), ('scene-3', 3), ('scene-4', 2), ('scene-5', 4);
            """;
        command.ExecuteNonQuery();
    }
}
