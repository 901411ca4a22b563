using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Metrics;

/// <summary>
/// Database client instruments on the meter <c>AccuScene.Database</c>, named after the OpenTelemetry
/// database semantic conventions where they exist. See <c>docs/metrics.md</c>.
/// </summary>
public sealed class DatabaseMetrics : AccuSceneInstrumentSet
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AccuScene.Database";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _failures;
    private readonly Gauge<long> _connections;
    private readonly Gauge<long> _maxConnections;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The DI meter factory, or <see langword="null"/>.</param>
    /// <param name="namePrefix">Optional prefix for <c>accuscene.*</c> names.</param>
    public DatabaseMetrics(IMeterFactory? meterFactory = null, string? namePrefix = null)
        : base(MeterName, meterFactory, namePrefix)
    {
        _duration = this.Meter.CreateHistogram<double>(
            "db.client.operation.duration",
            "s",
            "Duration of database client operations.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBoundaries.DatabaseOperationDuration });
        _operations = this.Meter.CreateCounter<long>(this.Name("accuscene.db.operations"), "{operation}", "Database operations by name and outcome.");
        _failures = this.Meter.CreateCounter<long>(this.Name("accuscene.db.failures"), "{operation}", "Database operations that failed.");
        // Not the conventions' db.client.connection.count: a gauge ending in _count is rejected by promtool.
        _connections = this.Meter.CreateGauge<long>(this.Name("accuscene.db.pool.connections"), "{connection}", "Connections in the pool by state (used, idle).");
        _maxConnections = this.Meter.CreateGauge<long>(this.Name("accuscene.db.pool.max_connections"), "{connection}", "The most connections the pool allows.");
    }

    /// <summary>Records one operation. A non-null <paramref name="errorType"/> marks it failed.</summary>
    /// <param name="system">The <c>db.system.name</c>, for example <c>sqlite</c>.</param>
    /// <param name="operation">The <c>db.operation.name</c>, for example <c>SELECT</c>.</param>
    /// <param name="durationSeconds">How long it took, in seconds.</param>
    /// <param name="errorType">The <c>error.type</c> (exception type or error code) when it failed.</param>
    public void RecordOperation(string system, string operation, double durationSeconds, string? errorType = null)
    {
        (system, operation) = (this.Bound(system, "db.client.operation.duration"), this.Bound(operation, "db.client.operation.duration"));
        errorType = string.IsNullOrEmpty(errorType) ? null : this.Bound(errorType, "db.client.operation.duration"); // "" is no error
        var tags = new TagList
        {
            { SemanticConventions.DbSystemName, system },
            { SemanticConventions.DbOperationName, operation },
        };
        if (errorType is not null)
        {
            tags.Add(SemanticConventions.ErrorType, errorType);
        }

        if (this.Accept(durationSeconds, "db.client.operation.duration"))
        {
            _duration.Record(durationSeconds, tags);
        }

        _operations.Add(1, new TagList
        {
            { SemanticConventions.DbSystemName, system },
            { SemanticConventions.DbOperationName, operation },
            { "accuscene.db.outcome", errorType is null ? "success" : "failure" },
        });
        if (errorType is not null)
        {
            _failures.Add(1, tags);
        }
    }

    /// <summary>Records the state of a connection pool.</summary>
    /// <param name="poolName">The <c>db.client.connection.pool.name</c>.</param>
    /// <param name="used">Connections in use.</param>
    /// <param name="idle">Idle connections.</param>
    /// <param name="max">The pool's limit.</param>
    public void RecordPool(string poolName, long used, long idle, long max)
    {
        // Each value stands alone: a negative limit does not take valid counts with it.
        poolName = this.Bound(poolName, "accuscene.db.pool.connections");
        if (this.Accept(used, "accuscene.db.pool.connections"))
        {
            _connections.Record(used, new TagList { { "db.client.connection.pool.name", poolName }, { "db.client.connection.state", "used" } });
        }

        if (this.Accept(idle, "accuscene.db.pool.connections"))
        {
            _connections.Record(idle, new TagList { { "db.client.connection.pool.name", poolName }, { "db.client.connection.state", "idle" } });
        }

        if (this.Accept(max, "accuscene.db.pool.max_connections"))
        {
            _maxConnections.Record(max, new KeyValuePair<string, object?>("db.client.connection.pool.name", poolName));
        }
    }
}
