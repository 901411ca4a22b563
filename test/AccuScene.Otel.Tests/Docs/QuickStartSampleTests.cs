using System.Text.RegularExpressions;

namespace AccuScene.Otel.Tests.Docs;

/// <summary>
/// The README's quick start is the compiled sample <c>test/AccuScene.Otel.QuickStart/Program.cs</c>, byte for
/// byte, <c>using</c> lines included: the solution builds the sample, so a README that stops compiling fails CI.
/// </summary>
public partial class QuickStartSampleTests
{
    [Test]
    public void TheReadmesQuickStart_IsTheCompiledSample()
    {
        var root = Repository.Root();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var section = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), "the README has a Quick start section");
        var block = CSharpBlock().Match(readme, section);
        Assert.That(block.Success, Is.True, "the Quick start section has a csharp code block");

        var sample = File.ReadAllText(Path.Combine(root, "test", "AccuScene.Otel.QuickStart", "Program.cs")).ReplaceLineEndings("\n");

        Assert.That(block.Groups[1].Value, Is.EqualTo(sample));
        Assert.That(sample, Does.StartWith("using "), "the using lines are part of what must compile");
    }

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
