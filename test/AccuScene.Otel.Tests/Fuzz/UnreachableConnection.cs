using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace AccuScene.Otel.Tests.Fuzz;

/// <summary>A database connection that cannot be opened, as when the server is down: health checks must report it, not throw.</summary>
[SuppressMessage("Design", "CA1065", Justification = "It stands for a server that is down.")]
internal sealed class UnreachableConnection : DbConnection
{
    [AllowNull]
    public override string ConnectionString { get; set; } = "Host=127.0.0.1;Port=9";

    public override string Database => "fuzz";

    public override string DataSource => "127.0.0.1:9";

    public override string ServerVersion => "0";

    public override ConnectionState State => ConnectionState.Closed;

    public override void ChangeDatabase(string databaseName) => throw new InvalidOperationException("The connection is not open.");

    public override void Close()
    {
    }

    public override void Open() => throw new InvalidOperationException("Connection refused (127.0.0.1:9).");

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => throw new InvalidOperationException("The connection is not open.");

    protected override DbCommand CreateDbCommand() => throw new InvalidOperationException("The connection is not open.");
}

/// <summary>A data source whose connections cannot be opened.</summary>
internal sealed class UnreachableDataSource : DbDataSource
{
    public override string ConnectionString => "Host=127.0.0.1;Port=9";

    protected override DbConnection CreateDbConnection() => new UnreachableConnection();
}
