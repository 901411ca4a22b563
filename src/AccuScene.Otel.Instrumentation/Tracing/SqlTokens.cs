using System.Buffers;

namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>Where the SQL tokens <see cref="DbQueryTextSanitizer"/> reads end. Each returns an index past the token.</summary>
internal static class SqlTokens
{
    // Identifier characters past the first; '$' belongs to PostgreSQL's and MySQL's identifiers.
    private static readonly SearchValues<char> WordChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$");

    // What an ASCII tag of a dollar quote may hold; anything past ASCII is allowed too.
    private static readonly SearchValues<char> TagChars = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" + string.Concat(Enumerable.Range(0x80, 0xFFFF - 0x80 + 1).Select(c => (char)c)));

    /// <summary>Whether a name starts with <paramref name="c"/>: a letter of any script, or <c>_</c>.</summary>
    public static bool IsWordStart(char c) => char.IsLetter(c) || c == '_' || char.IsHighSurrogate(c);

    /// <summary>
    /// Moves <paramref name="i"/> past a run opened at <paramref name="i"/> and closed by <paramref name="close"/>
    /// (doubled, it stands for itself); says whether it was closed. In a string whose backslashes a server setting
    /// decides (<paramref name="ambiguousBackslash"/>: MySQL's NO_BACKSLASH_ESCAPES, PostgreSQL's
    /// standard_conforming_strings), a backslash before the quote can end the string or escape the quote: the two
    /// readings part there, so the rest of the text is hidden, as an unclosed one.
    /// </summary>
    public static bool Quoted(ReadOnlySpan<char> s, ref int i, char close, bool backslashEscapes, bool ambiguousBackslash = false)
    {
        for (var j = i + 1; j < s.Length; j++)
        {
            if (ambiguousBackslash && s[j] == '\\' && j + 1 < s.Length && s[j + 1] == close)
            {
                break;
            }

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

    /// <summary>Oracle's <c>q'[…]'</c>, <c>q'{…}'</c>, <c>q'!…!'</c>: <paramref name="i"/> is at the quote after the <c>q</c>.</summary>
    public static int DelimitedEnd(ReadOnlySpan<char> s, int i)
    {
        if (i + 1 >= s.Length)
        {
            return s.Length;
        }

        var close = s[i + 1] switch
        {
            '[' => ']',
            '{' => '}',
            '(' => ')',
            '<' => '>',
            var same => same,
        };
        for (var j = i + 2; j + 1 < s.Length; j++)
        {
            if (s[j] == close && s[j + 1] == '\'')
            {
                return j + 2;
            }
        }

        return s.Length;
    }

    /// <summary>The end of a line comment: at the line break (<c>\n</c> or <c>\r</c>), which stays.</summary>
    public static int LineEnd(ReadOnlySpan<char> s, int i) =>
        s[i..].IndexOfAny('\n', '\r') is >= 0 and var end ? i + end : s.Length;

    /// <summary>The end of a block comment opened at <paramref name="i"/>, nested or not as the dialect has it.</summary>
    public static int BlockCommentEnd(ReadOnlySpan<char> s, int i, bool nested)
    {
        var depth = 0;
        while (i < s.Length - 1)
        {
            if (s[i] == '/' && s[i + 1] == '*' && (nested || depth == 0))
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

    /// <summary>
    /// The end of a ClickHouse heredoc at <paramref name="i"/>: the text from this <c>$</c> to the next one, whatever
    /// it holds, opens it and closes it again; -1 when it is not closed, as ClickHouse then reads no heredoc. In text
    /// that was <paramref name="cut"/>, the close may lie past the cut: one not found hides the rest of the text.
    /// </summary>
    public static int HeredocEnd(ReadOnlySpan<char> s, int i, bool cut)
    {
        var tagEnd = s[(i + 1)..].IndexOf('$');
        if (tagEnd < 0)
        {
            return -1;
        }

        var delimiter = s.Slice(i, tagEnd + 2);
        var body = i + delimiter.Length;
        return s[body..].IndexOf(delimiter) is >= 0 and var close ? body + close + delimiter.Length : cut ? s.Length : -1;
    }

    /// <summary>
    /// PostgreSQL's <c>$$…$$</c> and <c>$tag$…$tag$</c> opened at <paramref name="i"/>: the end of the string, or -1
    /// when the <c>$</c> opens neither.
    /// </summary>
    public static int DollarQuotedEnd(ReadOnlySpan<char> s, int i)
    {
        var tagEnd = s[(i + 1)..].IndexOf('$');
        if (tagEnd < 0)
        {
            return -1;
        }

        // PostgreSQL takes any character past ASCII in a tag ($€$, an é written as e and a combining accent).
        var tag = s.Slice(i + 1, tagEnd);
        if (tag.Length > 0 && (char.IsAsciiDigit(tag[0]) || tag.ContainsAnyExcept(TagChars)))
        {
            return -1;
        }

        var delimiter = s.Slice(i, tagEnd + 2);
        var body = i + delimiter.Length;
        return s[body..].IndexOf(delimiter) is >= 0 and var close ? body + close + delimiter.Length : s.Length;
    }

    /// <summary>42, 3.14, .5, 1e-3, 0x1F, 1_000: and whatever name characters follow.</summary>
    public static int NumberEnd(ReadOnlySpan<char> s, int i)
    {
        // An exponent's sign only in a decimal number and before a digit: 0xFE-- starts a comment after 0xFE.
        var hex = i + 1 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X' or 'b' or 'B' or 'o' or 'O';
        while (i < s.Length)
        {
            var c = s[i];
            if (!hex && (c is 'e' or 'E') && i + 2 < s.Length && s[i + 1] is '+' or '-' && char.IsAsciiDigit(s[i + 2]))
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

    /// <summary>The end of a run of ASCII digits.</summary>
    public static int DigitsEnd(ReadOnlySpan<char> s, int i) =>
        s[i..].IndexOfAnyExceptInRange('0', '9') is >= 0 and var end ? i + end : s.Length;

    /// <summary>The end of a name whose first character is before <paramref name="i"/>.</summary>
    public static int WordEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length)
        {
            // ASCII runs are skipped vectorised; a letter from another script continues the word.
            i = s[i..].IndexOfAnyExcept(WordChars) is >= 0 and var end ? i + end : s.Length;
            if (i == s.Length || !(char.IsLetterOrDigit(s[i]) || char.IsSurrogate(s[i])))
            {
                break;
            }

            i++;
        }

        return i;
    }

    private static bool IsWordChar(char c) => WordChars.Contains(c) || char.IsLetterOrDigit(c) || char.IsSurrogate(c);
}
