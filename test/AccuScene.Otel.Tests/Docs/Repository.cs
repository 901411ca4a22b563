namespace AccuScene.Otel.Tests.Docs;

/// <summary>Where the repository is, for the tests that read its sources and docs.</summary>
internal static class Repository
{
    /// <summary>The folder that holds <c>AccuScene.Otel.sln</c>, above the test directory.</summary>
    public static string Root()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AccuScene.Otel.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("AccuScene.Otel.sln is not above " + TestContext.CurrentContext.TestDirectory);
    }

    /// <summary>The source files under <paramref name="directory"/> matching <paramref name="pattern"/>, build output (<c>bin</c>, <c>obj</c>) left out.</summary>
    public static IEnumerable<string> Sources(string directory, string pattern = "*.cs") =>
        Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}
