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
}
