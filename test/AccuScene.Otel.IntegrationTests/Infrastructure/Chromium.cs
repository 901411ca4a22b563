using Microsoft.Playwright;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>Debian's Chromium, driven headless by Playwright (browsers cannot be downloaded here).</summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// Launches Chromium. Playwright's calls take timeouts, not tokens: a test's other Playwright calls wait
    /// through <see cref="Task.WaitAsync(CancellationToken)"/> so its <c>[CancelAfter]</c> token ends them too.
    /// </summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, CancellationToken cancellationToken)
    {
        RequiredBinary.Require(ExecutablePath, "apt-get install -y chromium");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox"],
        }).WaitAsync(cancellationToken);
    }

    /// <summary>Saves a screenshot under the test's work directory and attaches it to the result.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "artifacts");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true }).WaitAsync(cancellationToken);
        TestContext.AddTestAttachment(path, name);
        return path;
    }
}
