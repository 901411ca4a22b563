namespace AccuScene.Otel.Tests.Docs;

/// <summary>The structure's bounds (#16): small files, and a dashboard that takes its sections through interfaces.</summary>
public class SourceBoundsTests
{
    private const int MaxLines = 300;

    [Test]
    public void NoSourceFile_IsOverThreeHundredLines()
    {
        var src = Path.Combine(Repository.Root(), "src");
        var over = Repository.Sources(src)
            .Select(f => (File: Path.GetRelativePath(src, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxLines)
            .Select(f => $"{f.File}: {f.Lines} lines")
            .ToList();

        Assert.That(over, Is.Empty);
    }

    [Test]
    public void TheDashboard_ResolvesNoServiceByType()
    {
        var dashboard = Path.Combine(Repository.Root(), "src", "AccuScene.Otel", "Dashboard");
        var lookups = Directory.EnumerateFiles(dashboard, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("GetService(typeof(", StringComparison.Ordinal))
            .ToList();

        Assert.That(lookups, Is.Empty);
    }
}
