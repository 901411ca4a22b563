namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>
/// A server binary a test needs. Missing: the test is skipped with the install command, except under
/// <c>CI=true</c>, where a missing binary is a failure.
/// </summary>
internal static class RequiredBinary
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Require(string path, string installCommand)
    {
        if (File.Exists(path))
        {
            return path;
        }

        var message = $"{path} is not installed. Install it with: {installCommand}";
        if (IsCi)
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
        return path;
    }
}
