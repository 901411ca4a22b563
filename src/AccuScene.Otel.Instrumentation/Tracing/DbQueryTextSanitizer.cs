using System.Text;
using static AccuScene.Otel.Instrumentation.Tracing.SqlTokens;

namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>
/// Makes a query's text safe for <c>db.query.text</c>, as the database semantic conventions ask: every literal
/// (string, number, hex, bit, money, dollar-quoted, <c>TRUE</c>/<c>FALSE</c>) becomes <c>?</c> and comments are
/// removed. Keywords, names (plain and quoted) and parameters (<c>?</c>, <c>$1</c>, <c>@p</c>, <c>:name</c>,
/// <c>:1</c>) stay. A lexer that knows where the dialects part (<see cref="SqlDialect"/>), not a parser: wherever it
/// is unsure (a literal or comment left open) it hides the rest of the text rather than let a value through. Text
/// past <see cref="MaxLength"/> is cut off, and the cut marked.
/// </summary>
internal static class DbQueryTextSanitizer
{
    /// <summary>The most characters of a query's text looked at and kept; the cut is marked with an ellipsis.</summary>
    public const int MaxLength = 16_384;

    private const char Placeholder = '?';
    private const char Cut = '…';

    private enum Token
    {
        Kept,
        Literal,
        Comment,
    }

    /// <summary>Returns <paramref name="text"/> without its literals and comments (the same instance when it has none and is not cut).</summary>
    /// <param name="text">The query's text.</param>
    /// <param name="system">The <c>db.system.name</c>, which says how the text reads (<see cref="SqlDialect.For"/>).</param>
    public static string Sanitize(string text, string? system)
    {
        var dialect = SqlDialect.For(system);
        var length = Math.Min(text.Length, MaxLength);
        if (length < text.Length && char.IsHighSurrogate(text[length - 1]))
        {
            // Never half a character before the cut.
            length--;
        }

        var input = text.AsSpan(0, length);
        StringBuilder? output = null;
        var copied = 0;
        var i = 0;
        while (i < input.Length)
        {
            var start = i;
            var kind = Next(input, ref i, dialect, cut: length < text.Length);
            if (kind == Token.Kept)
            {
                continue;
            }

            output ??= new StringBuilder(input.Length + 1);
            output.Append(input[copied..start]);
            if (kind == Token.Literal)
            {
                output.Append(Placeholder);
            }
            else if (output.Length == 0 || char.IsWhiteSpace(output[^1]))
            {
                // The space before a comment stands for it: the space (or line break) after it goes too.
                while (i < input.Length && char.IsWhiteSpace(input[i]))
                {
                    i++;
                }
            }
            else if (i < input.Length && !char.IsWhiteSpace(input[i]))
            {
                // A comment between two tokens still parts them: SELECT/**/1 is SELECT ?, not SELECT?.
                output.Append(' ');
            }

            copied = i;
        }

        if (output is null && input.Length == text.Length)
        {
            return text;
        }

        output ??= new StringBuilder(input.Length + 1);
        output.Append(input[copied..]);
        if (input.Length < text.Length)
        {
            output.Append(Cut);
        }

        return output.ToString();
    }

    // Reads one token at i, moves i past it and says what it is.
    private static Token Next(ReadOnlySpan<char> s, ref int i, SqlDialect dialect, bool cut)
    {
        var c = s[i];
        var next = i + 1 < s.Length ? s[i + 1] : '\0';
        switch (c)
        {
            case '-' when next == '-' && (!dialect.MySqlComments || i + 2 == s.Length || char.IsWhiteSpace(s[i + 2]) || char.IsControl(s[i + 2])):
            case '#' when dialect.MySqlComments:
                i = LineEnd(s, i);
                return Token.Comment;
            case '/' when next == '*' && dialect.MySqlComments && i + 2 < s.Length && s[i + 2] == '!':
                // MySQL runs what /*!50000 … */ holds: it is read as code (its closing */ is kept as it is).
                i = DigitsEnd(s, i + 3);
                return Token.Kept;
            case '/' when next == '*':
                i = BlockCommentEnd(s, i, dialect.NestedComments);
                return Token.Comment;
            case '\'':
                Quoted(s, ref i, '\'', dialect.BackslashEscapes, dialect.SettingDecidesBackslash);
                return Token.Literal;
            case '"':
                // A name, unless the dialect reads it as a string; one never closed hides the rest.
                return Quoted(s, ref i, '"', dialect.BackslashEscapes, dialect.DoubleQuotedStrings && dialect.SettingDecidesBackslash) && !dialect.DoubleQuotedStrings ? Token.Kept : Token.Literal;
            case '`':
                return Quoted(s, ref i, '`', backslashEscapes: false) ? Token.Kept : Token.Literal;
            case '[' when dialect.BracketNames:
                return Quoted(s, ref i, ']', backslashEscapes: false) ? Token.Kept : Token.Literal;
            case '$' when dialect.Heredocs && HeredocEnd(s, i, cut) is >= 0 and var heredoc:
                i = heredoc;
                return Token.Literal;
            case '$' when dialect.MoneyLiterals && (char.IsAsciiDigit(next) || next == '.'):
                i = NumberEnd(s, i + 1);
                return Token.Literal;
            case '$' or '?' when char.IsAsciiDigit(next):
            case '@' or ':' when char.IsAsciiDigit(next) && dialect.NumberedParameters:
                // $1 (PostgreSQL), ?1 (SQLite), @1 and :1 (SQL Server, SQLite, Oracle) are parameters.
                i = DigitsEnd(s, i + 1);
                return Token.Kept;
            case '$' when dialect.DollarQuotes && DollarQuotedEnd(s, i) is >= 0 and var end:
                i = end;
                return Token.Literal;
            case '.' when char.IsAsciiDigit(next):
            case >= '0' and <= '9':
                i = NumberEnd(s, i);
                return Token.Literal;
            case '@' or ':' when IsWordStart(next) || next == '@':
                // @name, @@version, :name: parameters and variables.
                i = WordEnd(s, i + 2);
                return Token.Kept;
        }

        if (!IsWordStart(c))
        {
            i++;
            return Token.Kept;
        }

        var word = i;
        i = WordEnd(s, i + 1);
        if (i < s.Length && s[i] == '\'')
        {
            var prefix = s[word..i];
            if (dialect.QuoteDelimiters && (prefix.Equals("q", StringComparison.OrdinalIgnoreCase) || prefix.Equals("nq", StringComparison.OrdinalIgnoreCase)))
            {
                i = DelimitedEnd(s, i);
                return Token.Literal;
            }

            if (prefix.Length == 1 && c is 'e' or 'E' or 'n' or 'N' or 'x' or 'X' or 'b' or 'B')
            {
                // E'…' (escapes), N'…' (national), X'…' and B'…' (hex and bits): the prefix is part of the literal.
                var escapes = dialect.EscapeStrings && c is 'e' or 'E';
                Quoted(s, ref i, '\'', dialect.BackslashEscapes || escapes, dialect.SettingDecidesBackslash && !escapes);
                return Token.Literal;
            }
        }

        return s[word..i].Equals("TRUE", StringComparison.OrdinalIgnoreCase) || s[word..i].Equals("FALSE", StringComparison.OrdinalIgnoreCase)
            ? Token.Literal
            : Token.Kept;
    }
}
