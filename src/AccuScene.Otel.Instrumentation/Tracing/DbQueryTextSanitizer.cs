using System.Buffers;
using System.Text;

namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>
/// Makes a query's text safe for <c>db.query.text</c>, as the database semantic conventions ask: every literal
/// (string, number, hex, bit, dollar-quoted, <c>TRUE</c>/<c>FALSE</c>) becomes <c>?</c> and comments are removed.
/// Keywords, identifiers (plain and quoted) and parameters (<c>?</c>, <c>$1</c>, <c>@p</c>, <c>:name</c>) stay.
/// A lexer, not a parser: wherever it is unsure (an unterminated literal or comment) it hides the rest of the
/// text rather than let a value through. Text past <see cref="MaxLength"/> is cut off, and the cut marked.
/// </summary>
internal static class DbQueryTextSanitizer
{
    /// <summary>The most characters of a query's text looked at and kept; the cut is marked with an ellipsis.</summary>
    public const int MaxLength = 16_384;

    private const char Placeholder = '?';
    private const char Cut = '…';

    // Identifier characters past the first; '$' belongs to PostgreSQL's and MySQL's identifiers.
    private static readonly SearchValues<char> WordChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$");

    /// <summary>Returns <paramref name="text"/> without its literals and comments (the same instance when it has none).</summary>
    /// <param name="text">The query's text.</param>
    /// <param name="system">
    /// The <c>db.system.name</c>. MySQL and MariaDB read <c>"…"</c> as a string and escape with backslashes; SQL Server
    /// quotes identifiers in <c>[…]</c>; elsewhere <c>"…"</c> is an identifier and <c>[</c> an array subscript.
    /// </param>
    public static string Sanitize(string text, string? system)
    {
        var dialect = system switch
        {
            "mysql" or "mariadb" => Dialect.MySql,
            "microsoft.sql_server" or "mssql" => Dialect.SqlServer,
            _ => Dialect.Standard,
        };
        var input = text.AsSpan(0, Math.Min(text.Length, MaxLength));
        StringBuilder? output = null;
        var copied = 0;
        var i = 0;
        while (i < input.Length)
        {
            var start = i;
            var kind = Next(input, ref i, dialect);
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

    private enum Dialect
    {
        Standard,
        MySql,
        SqlServer,
    }

    private enum Token
    {
        Kept,
        Literal,
        Comment,
    }

    // Reads one token at i, moves i past it and says what it is.
    private static Token Next(ReadOnlySpan<char> s, ref int i, Dialect dialect)
    {
        var c = s[i];
        var next = i + 1 < s.Length ? s[i + 1] : '\0';
        var mySql = dialect == Dialect.MySql;
        switch (c)
        {
            case '-' when next == '-':
            case '#' when mySql:
                i = s[i..].IndexOf('\n') is >= 0 and var eol ? i + eol : s.Length;
                return Token.Comment;
            case '/' when next == '*':
                i = BlockCommentEnd(s, i);
                return Token.Comment;
            case '\'':
                Quoted(s, ref i, '\'', backslashEscapes: mySql);
                return Token.Literal;
            case '"':
                // An identifier (unless MySQL reads it as a string); one never closed hides the rest.
                return Quoted(s, ref i, '"', backslashEscapes: mySql) && !mySql ? Token.Kept : Token.Literal;
            case '`':
                return Quoted(s, ref i, '`', backslashEscapes: false) ? Token.Kept : Token.Literal;
            case '[' when dialect == Dialect.SqlServer:
                return Quoted(s, ref i, ']', backslashEscapes: false) ? Token.Kept : Token.Literal;
            case '$' or '?' when char.IsAsciiDigit(next):
                // $1 (PostgreSQL) and ?1 (SQLite) are parameters.
                i = DigitsEnd(s, i + 1);
                return Token.Kept;
            case '$' when next == '$' || char.IsAsciiLetter(next) || next == '_':
                return DollarQuoted(s, ref i);
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
        if (i < s.Length && s[i] == '\'' && i - word == 1 && c is 'e' or 'E' or 'n' or 'N' or 'x' or 'X' or 'b' or 'B')
        {
            // E'…' (escapes), N'…' (national), X'…' and B'…' (hex and bits): the prefix is part of the literal.
            Quoted(s, ref i, '\'', backslashEscapes: mySql || c is 'e' or 'E');
            return Token.Literal;
        }

        return s[word..i].Equals("TRUE", StringComparison.OrdinalIgnoreCase) || s[word..i].Equals("FALSE", StringComparison.OrdinalIgnoreCase)
            ? Token.Literal
            : Token.Kept;
    }

    // Moves i past a run opened at i and closed by close (doubled, it stands for itself); says whether it was closed.
    private static bool Quoted(ReadOnlySpan<char> s, ref int i, char close, bool backslashEscapes)
    {
        for (var j = i + 1; j < s.Length; j++)
        {
            if (backslashEscapes && s[j] == '\\')
            {
                j++;
            }
            else if (s[j] == close)
            {
                if (j + 1 < s.Length && s[j + 1] == close)
                {
                    j++;
                    continue;
                }

                i = j + 1;
                return true;
            }
        }

        i = s.Length;
        return false;
    }

    // Block comments nest (PostgreSQL, SQL Server); where they do not, hiding more is the safe side.
    private static int BlockCommentEnd(ReadOnlySpan<char> s, int i)
    {
        var depth = 0;
        while (i < s.Length - 1)
        {
            if (s[i] == '/' && s[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (s[i] == '*' && s[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return s.Length;
    }

    // PostgreSQL's $$…$$ and $tag$…$tag$; a $ that opens neither is kept as it is.
    private static Token DollarQuoted(ReadOnlySpan<char> s, ref int i)
    {
        var tagEnd = s[(i + 1)..].IndexOf('$');
        if (tagEnd < 0 || s.Slice(i + 1, tagEnd).ContainsAnyExcept(WordChars))
        {
            i++;
            return Token.Kept;
        }

        var delimiter = s.Slice(i, tagEnd + 2);
        var body = i + delimiter.Length;
        i = s[body..].IndexOf(delimiter) is >= 0 and var close ? body + close + delimiter.Length : s.Length;
        return Token.Literal;
    }

    // 42, 3.14, .5, 1e-3, 0x1F, 1_000: and whatever word characters follow, which no identifier starts with.
    private static int NumberEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length)
        {
            var c = s[i];
            if ((c is 'e' or 'E') && i + 1 < s.Length && s[i + 1] is '+' or '-')
            {
                i += 2;
            }
            else if (c == '.' || IsWordChar(c))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static int DigitsEnd(ReadOnlySpan<char> s, int i) =>
        s[i..].IndexOfAnyExceptInRange('0', '9') is >= 0 and var end ? i + end : s.Length;

    private static int WordEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length)
        {
            // ASCII runs are skipped vectorised; a letter from another script continues the word.
            i = s[i..].IndexOfAnyExcept(WordChars) is >= 0 and var end ? i + end : s.Length;
            if (i == s.Length || !char.IsLetterOrDigit(s[i]))
            {
                break;
            }

            i++;
        }

        return i;
    }

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsWordChar(char c) => WordChars.Contains(c) || char.IsLetterOrDigit(c);
}
