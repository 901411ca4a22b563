namespace AccuScene.Otel.Tests.Docs;

/// <summary>
/// Just enough C# reading for the source checks: a brace block and an awaited expression, with string and
/// character literals (regular, verbatim, raw, interpolated) and comments stepped over.
/// </summary>
internal static class CSharpText
{
    /// <summary>The block whose <c>{</c> is at <paramref name="open"/>, braces included.</summary>
    public static string Block(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i = Next(text, i))
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return text[open..(i + 1)];
            }
        }

        return text[open..];
    }

    /// <summary>The index of the bracket that closes the one at <paramref name="open"/>.</summary>
    public static int Closing(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i = Next(text, i))
        {
            if (text[i] is '(' or '[' or '{')
            {
                depth++;
            }
            else if (text[i] is ')' or ']' or '}' && --depth == 0)
            {
                return i;
            }
        }

        return text.Length;
    }

    /// <summary>
    /// The methods declared with an access modifier (local functions and lambdas stay in their method's body): name,
    /// the attribute lines above, the parameter list and the body (a block, or an expression body up to its
    /// <c>;</c>).
    /// </summary>
    public static IEnumerable<(string Name, string Access, string Attributes, string Parameters, string Body)> Methods(string text)
    {
        // Found in the code alone: a method written inside a string (a test's sample source) is no method.
        text = WithoutLiterals(text);
        foreach (System.Text.RegularExpressions.Match header in MethodHeader.Matches(text))
        {
            var open = header.Index + header.Length - 1;
            var close = Closing(text, open);
            var rest = close + 1;
            while (rest < text.Length && char.IsWhiteSpace(text[rest]))
            {
                rest++;
            }

            if (text.AsSpan(rest).StartsWith("where ", StringComparison.Ordinal))
            {
                // Generic constraints, up to the body.
                var brace = text.IndexOf('{', rest);
                var arrow = text.IndexOf("=>", rest, StringComparison.Ordinal);
                rest = brace < 0 ? arrow : arrow < 0 ? brace : Math.Min(brace, arrow);
                if (rest < 0)
                {
                    continue;
                }
            }

            string body;
            if (rest < text.Length && text[rest] == '{')
            {
                body = Block(text, rest);
            }
            else if (text.AsSpan(rest).StartsWith("=>", StringComparison.Ordinal))
            {
                var end = rest;
                var depth = 0;
                while (end < text.Length && !(depth == 0 && text[end] == ';'))
                {
                    depth += text[end] is '(' or '[' or '{' ? 1 : text[end] is ')' or ']' or '}' ? -1 : 0;
                    end = Next(text, end);
                }

                body = text[rest..end];
            }
            else
            {
                continue; // a declaration without a body (abstract, partial, extern) or not a method at all
            }

            yield return (header.Groups["name"].Value, header.Groups["access"].Value, header.Groups["attributes"].Value, text[(open + 1)..close], body);
        }
    }

    /// <summary>
    /// The text with every comment, and the inside of every string and character literal, turned into spaces: the
    /// same length and lines, the quotes kept, and nothing in a literal mistaken for code. An attribute keeps its
    /// arguments (<c>[CancelAfter(1_000)]</c> has no literal to lose).
    /// </summary>
    public static string WithoutLiterals(string text)
    {
        var result = text.ToCharArray();
        for (var i = 0; i < text.Length;)
        {
            var next = Next(text, i);
            if (next - i > 1)
            {
                // What to keep of the literal: its delimiters (a comment keeps none).
                var (open, close) = (0, 0);
                if (text[i] == '\'')
                {
                    // An escape keeps its backslash, so the blanked literal still reads as one ('\ ' and not ' ').
                    (open, close) = (text[i + 1] == '\\' ? 2 : 1, 1);
                }
                else if (text[i] is '"' or '$' or '@')
                {
                    var quote = text.IndexOf('"', i);
                    var run = 0;
                    while (quote + run < next && text[quote + run] == '"')
                    {
                        run++;
                    }

                    var delimiter = run >= 3 ? run : 1;
                    (open, close) = (quote - i + delimiter, delimiter);
                }

                for (var j = i + open; j < next - close; j++)
                {
                    if (text[j] is not ('\n' or '\r'))
                    {
                        result[j] = ' ';
                    }
                }
            }

            i = next;
        }

        return new string(result);
    }

    private static readonly System.Text.RegularExpressions.Regex MethodHeader = new(
        @"(?<attributes>(?:^[ \t]*(?:\[.*\][ \t]*)?\r?\n)*)^[ \t]*(?:(?<access>public|private|internal|protected)\s+)(?:(?:static|async|override|virtual|sealed|new|partial)\s+)*[\w<>\[\],.?() ]*?\b(?<name>\w+)\s*(?:<[^<>()]*>)?\(",
        System.Text.RegularExpressions.RegexOptions.Multiline,
        TimeSpan.FromSeconds(5)); // a source that made it backtrack for ever fails the test instead of hanging it

    /// <summary>
    /// The expression that starts at <paramref name="start"/> (after <c>await</c>): a chain of names, calls, indexers
    /// and member accesses, ending at the first operator, separator or closing bracket outside its own brackets.
    /// </summary>
    public static string Expression(string text, int start)
    {
        var depth = 0;
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (depth == 0 && (c is ';' or ',' || (c == '?' && !Continues(text, i + 1)) || (char.IsWhiteSpace(c) && !Continues(text, i) && !AfterNew(text, start, i))))
            {
                break;
            }

            i = Next(text, i);
        }

        return text[start..i].Trim();
    }

    // "new" followed by its type: the chain goes on (await new Reader(x).ReadAsync()).
    private static bool AfterNew(string text, int start, int i) =>
        text.AsSpan(start, i - start).Trim().SequenceEqual("new");

    // Whitespace (or a '?') followed by what continues a chain: a member access, a call, an indexer, a generic's end.
    private static bool Continues(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i < text.Length && text[i] is '.' or '(' or '[' or '>';
    }

    // The index of the '}' that closes the interpolation hole opened at i.
    private static int Hole(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i = Next(text, i))
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        return text.Length;
    }

    // The index after the token at i: a whole literal or comment, else one character.
    private static int Next(string text, int i)
    {
        if (text.AsSpan(i).StartsWith("//", StringComparison.Ordinal))
        {
            var end = text.IndexOf('\n', i);
            return end < 0 ? text.Length : end;
        }

        if (text.AsSpan(i).StartsWith("/*", StringComparison.Ordinal))
        {
            var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 2;
        }

        if (text[i] == '\'')
        {
            // A character literal: one character, or an escape of any length ('\n', '\u0041', '\x41').
            var end = i + 1 < text.Length && text[i + 1] == '\\' ? text.IndexOf('\'', i + 3) : i + 2;
            return end < 0 ? text.Length : Math.Min(text.Length, end + 1);
        }

        var quote = i;
        while (quote < text.Length && text[quote] is '$' or '@')
        {
            quote++;
        }

        if (quote >= text.Length || text[quote] != '"')
        {
            return i + 1;
        }

        if (text.AsSpan(quote).StartsWith("\"\"\"", StringComparison.Ordinal))
        {
            var end = text.IndexOf("\"\"\"", quote + 3, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 3;
        }

        var verbatim = text.AsSpan(i, quote - i).Contains('@');
        var interpolated = text.AsSpan(i, quote - i).Contains('$');
        for (var j = quote + 1; j < text.Length; j++)
        {
            if (!verbatim && text[j] == '\\')
            {
                j++;
            }
            else if (interpolated && text[j] == '{')
            {
                // "{{" is a brace; "{" opens a hole, which may hold strings of its own.
                j = j + 1 < text.Length && text[j + 1] == '{' ? j + 1 : Hole(text, j);
            }
            else if (text[j] == '"')
            {
                if (verbatim && j + 1 < text.Length && text[j + 1] == '"')
                {
                    j++;
                    continue;
                }

                return j + 1;
            }
        }

        return text.Length;
    }
}
