using System.Text.RegularExpressions;

namespace AccuScene.Otel.Tests.Docs;

/// <summary>
/// A test suite that cannot hang (#16): <c>[CancelAfter]</c> only cancels a token, so a test whose waits do not
/// read it runs on to CI's limit. Every such test takes the token, and every wait in it passes the token on:
/// as an argument, or through <c>WaitAsync</c> where the callee (Playwright) takes only a timeout.
/// </summary>
public partial class CancelAfterTokenTests
{
    [Test]
    public void EveryCancelAfterTest_TakesItsToken()
    {
        var methods = TestMethods().ToList();
        var bounded = methods.Where(m => CancelAfter().IsMatch(m.Attributes)).ToList();
        var tokenless = bounded.Where(m => !TokenParameter().IsMatch(m.Parameters)).Select(m => m.Where).ToList();

        tokenless.ForEach(TestContext.Out.WriteLine);
        Assert.That(bounded, Has.Count.GreaterThan(60), "the scan found the suite's [CancelAfter] tests");
        Assert.That(tokenless, Is.Empty);
    }

    /// <summary>
    /// Every method of the test projects that takes a token (a test, or a helper it hands the token to) passes it to
    /// each of its waits, and no helper makes it optional, so a caller cannot leave it out. (A public method may:
    /// the fakes implement interfaces such as <c>IHealthCheck</c> whose signatures do.)
    /// </summary>
    [Test]
    public void EveryMethodThatTakesAToken_PassesItToEveryWait_AndNoneDefaultsIt()
    {
        var methods = TestMethods().Where(m => TokenParameter().IsMatch(m.Parameters)).ToList();
        var missing = methods
            .SelectMany(m => UnpassedWaits(m.Body, TokenParameter().Match(m.Parameters).Groups[1].Value, m.Parameters).Select(wait => $"{m.Where} waits without its token: {wait}"))
            .Concat(methods.Where(m => OptionalToken().IsMatch(m.Parameters) && (m.Access != "public" || m.Where.Contains("Infrastructure", StringComparison.Ordinal)))
                .Select(m => $"{m.Where} makes its token optional"))
            .ToList();

        missing.ForEach(TestContext.Out.WriteLine);
        Assert.That(methods, Has.Count.GreaterThan(100), "the scan found the methods that take a token");
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void EveryAsyncIntegrationTest_HasACancelAfter()
    {
        var integration = Path.Combine(Repository.Root(), "test", "AccuScene.Otel.IntegrationTests");
        var tests = Repository.Sources(integration)
            .SelectMany(file => AsyncTest().Matches(CSharpText.WithoutLiterals(File.ReadAllText(file))).Select(m => (File: Path.GetRelativePath(integration, file), Attributes: m.Groups[1].Value, Name: m.Groups[2].Value)))
            .Where(t => t.Attributes.Contains("[Test", StringComparison.Ordinal))
            .ToList();

        var unbounded = tests.Where(t => !CancelAfter().IsMatch(t.Attributes)).Select(t => $"{t.File}: {t.Name}").ToList();
        unbounded.ForEach(TestContext.Out.WriteLine);
        Assert.That(tests, Has.Count.GreaterThan(40), "the scan found the integration tests");
        Assert.That(unbounded, Is.Empty);
    }

    [Test]
    public void TheScan_ReadsMethodsAsTheyAreWritten()
    {
        const string Source = """
            [Test, CancelAfter(1_000)]
            // a comment between the attributes and the method
            public async Task<(int A, string B)> OnOneLine([Values(1, 2)] int x, CancellationToken token)
            {
                var c = '}';
                var d = '\u007D';
                var e = '\'';
                await Task.Delay(1, token);
            }

            public static Task<T> Constrained<T>(CancellationToken cancellationToken)
                where T : class
            {
                await Task.Delay(1, cancellationToken: CancellationToken.None);
            }

            private static Task<int> Helper(CancellationToken token = default) => Task.FromResult(1);
            """;

        var methods = CSharpText.Methods(Source).ToList();

        Assert.That(methods.Select(m => m.Name), Is.EqualTo(new[] { "OnOneLine", "Constrained", "Helper" }));
        Assert.That(CancelAfter().IsMatch(methods[0].Attributes), Is.True, "the attributes, a comment line between");
        Assert.That(methods[0].Body, Does.EndWith("await Task.Delay(1, token);\n}"), "char literals with escapes read as one");
        Assert.That(UnpassedWaits(methods[1].Body, "cancellationToken").ToList(), Has.Count.EqualTo(1), "a named argument's label is not the token");
        Assert.That(OptionalToken().IsMatch(methods[2].Parameters), Is.True);
    }

    [Test]
    public void TheScan_FindsAWaitWithoutTheToken()
    {
        const string Body = """
            {
                await Task.Delay(100, cancellationToken);
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await reader.ReadLineAsync(cancel.Token);
                await page.GotoAsync("/dashboard").WaitAsync(cancellationToken);
                await using var app = builder.Build();
                await LocalAsync();
                async Task LocalAsync() => await http.GetAsync("x", cancellationToken);
                var text = await http.GetStringAsync(new Uri("a", UriKind.Relative));
                await foreach (var item in Items()) { }
                var line = await new StreamReader(stream).ReadLineAsync();
            }
            """;

        Assert.That(
            UnpassedWaits(Body, "cancellationToken"),
            Is.EqualTo(new[] { "http.GetStringAsync(new Uri(\"a\", UriKind.Relative))", "foreach (var item in Items())", "new StreamReader(stream).ReadLineAsync()" }));
    }

    // An await that does not mention the token (or a source linked to it) is allowed only when it cannot wait on
    // anything the token could end: an await using (DisposeAsync), a task started earlier with the token, a local
    // function of the test (which captures it), a delegate the caller passed in (whose lambda the caller wrote with
    // its token), cancelling a source, and writing progress.
    private static IEnumerable<string> UnpassedWaits(string body, string token, string parameters = "")
    {
        var locals = LocalFunction().Matches(body).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var linked = Regex.Matches(body, $@"var (\w+) = CancellationTokenSource\.CreateLinkedTokenSource\({token}\)")
            .Select(m => m.Groups[1].Value + ".Token")
            .Prepend(token);
        foreach (Match match in Await().Matches(body))
        {
            var start = match.Index + match.Length;
            if (body.AsSpan(start).StartsWith("using", StringComparison.Ordinal))
            {
                continue;
            }

            var expression = CSharpText.Expression(body, start);
            var callee = Callee().Match(expression).Groups[1].Value;
            // The token as an argument: a named argument's label ("cancellationToken: CancellationToken.None") is not it.
            if (linked.Any(name => Regex.IsMatch(expression, $@"(?<![\w.]){Regex.Escape(name)}\b(?!\s*:(?!:))"))
                || Identifier().IsMatch(expression)
                || locals.Contains(callee)
                || (callee.Length > 0 && Regex.IsMatch(parameters, $@"\b{callee}\s*(,|$)"))
                || expression.EndsWith(".CancelAsync()", StringComparison.Ordinal)
                || expression.StartsWith("TestContext.Progress.", StringComparison.Ordinal)
                || expression.Contains("context.Request", StringComparison.Ordinal))
            {
                continue;
            }

            yield return expression;
        }
    }

    private static IEnumerable<(string Where, string Access, string Attributes, string Parameters, string Body)> TestMethods()
    {
        var test = Path.Combine(Repository.Root(), "test");
        return Repository.Sources(test).SelectMany(file => CSharpText.Methods(File.ReadAllText(file))
            .Select(m => ($"{Path.GetRelativePath(test, file)}: {m.Name}", m.Access, m.Attributes, m.Parameters, m.Body)));
    }

    [GeneratedRegex(@"[\[,]\s*CancelAfter\(")]
    private static partial Regex CancelAfter();

    [GeneratedRegex(@"CancellationToken\s+\w+\s*=\s*default")]
    private static partial Regex OptionalToken();

    [GeneratedRegex(@"CancellationToken\s+(\w+)")]
    private static partial Regex TokenParameter();

    [GeneratedRegex(@"((?:^[ \t]*(?:\[[^\n]*\][ \t]*)?\r?\n)+)[ \t]*public async Task (\w+)\(", RegexOptions.Multiline, matchTimeoutMilliseconds: 5000)]
    private static partial Regex AsyncTest();

    [GeneratedRegex(@"\bawait\s+")]
    private static partial Regex Await();

    [GeneratedRegex(@"^\w+$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^(?:this\.)?(\w+)\s*\(")]
    private static partial Regex Callee();

    [GeneratedRegex(@"\basync\s+(?:Task|ValueTask)(?:<[^>]*>)?\s+(\w+)\s*\(")]
    private static partial Regex LocalFunction();
}
