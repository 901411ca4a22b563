namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>
/// What one database's SQL means by the characters where dialects part, so that a literal is read where that
/// database reads one. An unknown system gets the cautious reading: <c>"…"</c> is a string there, so a value
/// in double quotes is hidden even where it would have been a name.
/// </summary>
internal readonly record struct SqlDialect
{
    /// <summary>Gets a value indicating whether <c>"…"</c> is a string (MySQL, SQLite's default, unknown systems) rather than a name.</summary>
    public bool DoubleQuotedStrings { get; init; }

    /// <summary>Gets a value indicating whether a backslash escapes the next character in every <c>'…'</c> (MySQL).</summary>
    public bool BackslashEscapes { get; init; }

    /// <summary>Gets a value indicating whether <c>E'…'</c> strings take backslash escapes (PostgreSQL).</summary>
    public bool EscapeStrings { get; init; }

    /// <summary>Gets a value indicating whether block comments nest (PostgreSQL, SQL Server, the SQL standard).</summary>
    public bool NestedComments { get; init; }

    /// <summary>Gets a value indicating whether <c>$$…$$</c> and <c>$tag$…$tag$</c> are strings, and <c>$1</c> a parameter (PostgreSQL).</summary>
    public bool DollarQuotes { get; init; }

    /// <summary>Gets a value indicating whether <c>[…]</c> is a name (SQL Server, SQLite) rather than a subscript.</summary>
    public bool BracketNames { get; init; }

    /// <summary>Gets a value indicating whether <c>$12.50</c> is a money literal (SQL Server).</summary>
    public bool MoneyLiterals { get; init; }

    /// <summary>Gets a value indicating whether <c>@1</c> and <c>:1</c> are parameters (everywhere but PostgreSQL, where <c>@</c> is an operator).</summary>
    public bool NumberedParameters { get; init; }

    /// <summary>Gets a value indicating whether <c>#</c> starts a line comment, <c>--</c> needs a space after it, and <c>/*!…*/</c> is code (MySQL).</summary>
    public bool MySqlComments { get; init; }

    /// <summary>Gets a value indicating whether <c>q'[…]'</c> is a string with its own delimiters (Oracle).</summary>
    public bool QuoteDelimiters { get; init; }

    /// <summary>The dialect of a <c>db.system.name</c>.</summary>
    /// <param name="system">The system, as the conventions name it.</param>
    /// <returns>Its dialect; the cautious one for a system not known here.</returns>
    public static SqlDialect For(string? system) => system switch
    {
        "postgresql" or "cockroachdb" => new() { EscapeStrings = true, NestedComments = true, DollarQuotes = true },
        "mysql" or "mariadb" => new() { DoubleQuotedStrings = true, BackslashEscapes = true, NumberedParameters = true, MySqlComments = true },
        "microsoft.sql_server" or "mssql" => new() { NestedComments = true, BracketNames = true, MoneyLiterals = true, NumberedParameters = true },
        "sqlite" => new() { DoubleQuotedStrings = true, BracketNames = true, NumberedParameters = true },
        "oracle.db" or "oracle" => new() { NumberedParameters = true, QuoteDelimiters = true },
        _ => new() { DoubleQuotedStrings = true, NestedComments = true, NumberedParameters = true },
    };
}
