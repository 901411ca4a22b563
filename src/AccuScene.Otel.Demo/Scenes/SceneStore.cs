using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AccuScene.Otel.Demo.Scenes;

/// <summary>
/// The demo's embedded database: a SQLite file with the scenes, their vehicles and the reconstruction results.
/// It is created and seeded at start-up in a temporary directory (or <c>Demo:DatabasePath</c>), and opened
/// without pooling and without "create", so a missing file fails every query, which is what <c>--chaos</c> uses.
/// Callers instrument each query (span and <c>db.client.operation.duration</c>) through <see cref="SceneQueries"/>.
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

    public async Task<Scene?> FindSceneAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await this.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = SceneQueries.SelectScene;
                command.Parameters.Add(new SqliteParameter("$id", id));
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    string? name = null;
                    var vehicles = new List<VehicleSpec>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        name ??= reader.GetString(0);
                        if (!reader.IsDBNull(1))
                        {
                            vehicles.Add(new VehicleSpec(reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8)));
                        }
                    }

                    return name is null ? null : new Scene(id, name, vehicles);
                }
            }
        }
    }

    public async Task InsertSceneAsync(Scene scene, CancellationToken cancellationToken)
    {
        var connection = await this.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await InsertAsync(connection, scene, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a scene with its vehicles and result; returns whether it existed.</summary>
    public async Task<bool> DeleteSceneAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await this.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await Execute(connection, transaction, SceneQueries.DeleteResult, cancellationToken, ("$id", id)).ConfigureAwait(false);
                await Execute(connection, transaction, SceneQueries.DeleteVehicles, cancellationToken, ("$id", id)).ConfigureAwait(false);
                var deleted = await Execute(connection, transaction, SceneQueries.DeleteScene, cancellationToken, ("$id", id)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return deleted > 0;
            }
        }
    }

    public async Task StoreResultAsync(SimulationResult result, CancellationToken cancellationToken)
    {
        var connection = await this.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var json = JsonSerializer.Serialize(result, DemoJsonContext.Default.SimulationResult);
            await Execute(connection, null, SceneQueries.UpsertResult, cancellationToken, ("$scene", result.SceneId), ("$json", json), ("$at", result.CompletedAt.ToString("O", CultureInfo.InvariantCulture))).ConfigureAwait(false);
        }
    }

    public async Task<SimulationResult?> FindResultAsync(string sceneId, CancellationToken cancellationToken)
    {
        var connection = await this.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = SceneQueries.SelectResult;
                command.Parameters.Add(new SqliteParameter("$scene", sceneId));
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                    ? JsonSerializer.Deserialize(json, DemoJsonContext.Default.SimulationResult)
                    : null;
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

    private static async Task<int> Execute(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, value));
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Seed()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = this.Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ConnectionString);
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = SceneQueries.Schema;
            command.ExecuteNonQuery();
        }

        foreach (var scene in SampleScenes.Seed)
        {
            using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM scenes WHERE id = $id";
            exists.Parameters.AddWithValue("$id", scene.Id);
            if ((long)exists.ExecuteScalar()! == 0)
            {
                InsertAsync(connection, scene, CancellationToken.None).GetAwaiter().GetResult();
            }
        }
    }

    // The scene and its vehicles in one transaction.
    private static async Task InsertAsync(DbConnection connection, Scene scene, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await Execute(connection, transaction, SceneQueries.InsertScene, cancellationToken, ("$id", scene.Id), ("$name", scene.Name)).ConfigureAwait(false);
            foreach (var v in scene.Vehicles)
            {
                await Execute(connection, transaction, SceneQueries.InsertVehicle, cancellationToken, ("$scene", scene.Id), ("$id", v.Id), ("$mass", v.MassKg), ("$x", v.X), ("$y", v.Y), ("$vx", v.Vx), ("$vy", v.Vy), ("$radius", v.RadiusM), ("$friction", v.Friction)).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>The demo's SQL, named once so spans and code agree.</summary>
internal static class SceneQueries
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS scenes (id TEXT PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS vehicles (scene_id TEXT NOT NULL REFERENCES scenes(id), id TEXT NOT NULL, mass_kg REAL NOT NULL,
            x REAL NOT NULL, y REAL NOT NULL, vx REAL NOT NULL, vy REAL NOT NULL, radius_m REAL NOT NULL, friction REAL NOT NULL,
            PRIMARY KEY (scene_id, id));
        CREATE TABLE IF NOT EXISTS results (scene_id TEXT PRIMARY KEY REFERENCES scenes(id), json TEXT NOT NULL, completed_at TEXT NOT NULL);
        """;

    public const string SelectScene = "SELECT s.name, v.id, v.mass_kg, v.x, v.y, v.vx, v.vy, v.radius_m, v.friction FROM scenes s LEFT JOIN vehicles v ON v.scene_id = s.id WHERE s.id = $id ORDER BY v.rowid";
    public const string InsertScene = "INSERT INTO scenes (id, name) VALUES ($id, $name)";
    public const string InsertVehicle = "INSERT INTO vehicles (scene_id, id, mass_kg, x, y, vx, vy, radius_m, friction) VALUES ($scene, $id, $mass, $x, $y, $vx, $vy, $radius, $friction)";
    // A scene deleted while it was reconstructed gets no result: nothing is left behind without its scene.
    public const string UpsertResult = "INSERT INTO results (scene_id, json, completed_at) SELECT $scene, $json, $at WHERE EXISTS (SELECT 1 FROM scenes WHERE id = $scene) ON CONFLICT(scene_id) DO UPDATE SET json = excluded.json, completed_at = excluded.completed_at";
    public const string DeleteScene = "DELETE FROM scenes WHERE id = $id";
    public const string DeleteVehicles = "DELETE FROM vehicles WHERE scene_id = $id";
    public const string DeleteResult = "DELETE FROM results WHERE scene_id = $id";
    public const string SelectResult = "SELECT json FROM results WHERE scene_id = $scene";
}
