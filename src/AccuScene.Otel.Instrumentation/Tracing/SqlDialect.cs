namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>
/// What one database's SQL means by the characters where dialects part, so that a literal is read where that
/// database reads one (the system's name compared without case). An unknown system gets the cautious reading:
/// <c>"…"</c> is a string, <c>$$…$$</c> and <c>q'[…]'</c> are strings, so a value is hidden even where it would
/// have been a name; and a backslash before a closing quote hides the rest of the text.
/// </summary>
internal readonly record struct SqlDialect
{
    /// <summary>Gets a value indicating whether <c>"…"</c> is a string (MySQL, SQLite's default, unknown systems) rather than a name.</summary>
    public bool DoubleQuotedStrings { get; init; }

    /// <summary>Gets a value indicating whether a backslash escapes the next character in every <c>'…'</c> (MySQL).</summary>
    public bool BackslashEscapes { get; init; }

    /// <summary>
    /// Gets a value indicating whether a server setting decides what a backslash in a plain string means (MySQL's
    /// NO_BACKSLASH_ESCAPES, PostgreSQL's standard_conforming_strings, unknown systems): a backslash before a closing
    /// quote then hides the rest of the text.
    /// </summary>
    public bool SettingDecidesBackslash { get; init; }

    /// <summary>Gets a value indicating whether <c>E'…'</c> strings take backslash escapes (PostgreSQL).</summary>
    public bool EscapeStrings { get; init; }

    /// <summary>Gets a value indicating whether block comments nest (PostgreSQL, SQL Server, the SQL standard).</summary>
    public bool NestedComments { get; init; }

    /// <summary>Gets a value indicating whether <c>$$…$$</c> and <c>$tag$…$tag$</c> are strings (PostgreSQL, unknown systems). <c>$1</c> is a parameter everywhere but SQL Server.</summary>
    public bool DollarQuotes { get; init; }

    /// <summary>
    /// Gets a value indicating whether any text between two <c>$</c> opens a string that the same text closes, before
    /// anything else a <c>$</c> may start (ClickHouse's heredocs: <c>$x-y$…$x-y$</c>, <c>$1x$…$1x$</c>).
    /// </summary>
    public bool Heredocs { get; init; }

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
    public static SqlDialect For(string? system) => system?.ToLowerInvariant() switch
    {
        "postgresql" or "cockroachdb" or "aws.redshift" => new() { SettingDecidesBackslash = true, EscapeStrings = true, NestedComments = true, DollarQuotes = true },
        "mysql" or "mariadb" => new() { SettingDecidesBackslash = true, DoubleQuotedStrings = true, BackslashEscapes = true, NumberedParameters = true, MySqlComments = true },
        "microsoft.sql_server" or "mssql" => new() { NestedComments = true, BracketNames = true, MoneyLiterals = true, NumberedParameters = true },
        "sqlite" => new() { DoubleQuotedStrings = true, BracketNames = true, NumberedParameters = true },
        "oracle.db" or "oracle" => new() { NumberedParameters = true, QuoteDelimiters = true },
        "clickhouse" => new() { BackslashEscapes = true, NumberedParameters = true, Heredocs = true },
        _ => new() { SettingDecidesBackslash = true, DoubleQuotedStrings = true, NestedComments = true, NumberedParameters = true, DollarQuotes = true, QuoteDelimiters = true },
    };
}
