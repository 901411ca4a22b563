using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health.Checks;

/// <summary>
/// Opens a connection from any ADO.NET <see cref="DbDataSource"/> or connection factory, runs a probe query
/// (default <c>SELECT 1</c>) and reports its latency in the <c>latency_ms</c> data entry. Any failure, the
/// query's included, is Unhealthy with the provider's message. The latency is read from the
/// <see cref="TimeProvider"/> the check is given (the container's, else the system's).
/// </summary>
internal sealed class DatabaseHealthCheck : IHealthCheck
{
    private readonly Func<CancellationToken, ValueTask<DbConnection>> _open;
    private readonly string _query;
    private readonly TimeProvider _time;

    /// <summary>Checks through a data source (Npgsql, SqlClient, or any provider's <c>CreateDataSource</c>).</summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="query">The probe query.</param>
    /// <param name="time">The clock the latency is read from.</param>
    public DatabaseHealthCheck(DbDataSource dataSource, string query = "SELECT 1", TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _open = dataSource.OpenConnectionAsync;
        _query = RequireQuery(query);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Checks through a connection factory; the connection is opened and disposed by the check.</summary>
    /// <param name="connectionFactory">Creates a closed connection.</param>
    /// <param name="query">The probe query.</param>
    /// <param name="time">The clock the latency is read from.</param>
    public DatabaseHealthCheck(Func<DbConnection> connectionFactory, string query = "SELECT 1", TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        _open = async cancellationToken =>
        {
            var connection = connectionFactory();
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        };
        _query = RequireQuery(query);
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = _time.GetTimestamp();
        try
        {
            var connection = await _open(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = _query;
                    await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            var latency = _time.GetElapsedTime(started).TotalMilliseconds;
            return HealthCheckResult.Healthy("The probe query succeeded.", new Dictionary<string, object> { ["latency_ms"] = Math.Round(latency, 3) });
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message, ex);
        }
    }

    private static string RequireQuery(string query) =>
        string.IsNullOrWhiteSpace(query) ? throw new ArgumentException("The probe query must not be blank.", nameof(query)) : query;
}
