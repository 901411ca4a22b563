using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel.Tests.Docs;

/// <summary>
/// Ranges are written twice only: as attributes on the options (what validation enforces) and in
/// <c>docs/configuration.md</c> (what people read). These tests keep the two equal, keep the other docs and
/// the XML docs free of ranges of their own, and check that validation uses the attributes.
/// </summary>
public partial class ConfigurationRangesTests
{
    // Every page but the reference itself, and the README: a list of names would skip a page added or renamed.
    private static IEnumerable<string> OtherDocs() =>
        Directory.EnumerateFiles(Path.Combine(Repository.Root(), "docs"), "*.md")
            .Where(p => Path.GetFileName(p) != "configuration.md")
            .Append(Path.Combine(Repository.Root(), "README.md"));

    [Test]
    public void EveryRangedOption_HasItsRangeInTheConfigurationReference()
    {
        var declared = OptionRanges.Declared(AccuSceneOptionsJsonContext.Default.AccuSceneOptions, AccuSceneOptions.SectionName).ToList();
        var rows = KeyRows(File.ReadAllText(Path.Combine(Repository.Root(), "docs", "configuration.md")));

        Assert.That(declared, Has.Count.GreaterThan(30), "the options carry their ranges as attributes");
        Assert.Multiple(() =>
        {
            foreach (var (key, minimum, maximum) in declared)
            {
                if (!rows.TryGetValue(key, out var allowed))
                {
                    Assert.Fail($"docs/configuration.md has no row for {key}");
                    continue;
                }

                Assert.That(allowed, Does.Contain($"{Quoted(minimum)} – {Quoted(maximum)}").Or.Contain($"{minimum} – {maximum}"), $"the range of {key}");
            }
        });
    }

    [Test]
    public void EveryRangeInTheConfigurationReference_IsAnAttribute()
    {
        // A plain range ("1 – 100", "`00:00:01` – `01:00:00`") is enforced by an attribute; deleting the attribute
        // while the page keeps the range would silently stop the check.
        var declared = OptionRanges.Declared(AccuSceneOptionsJsonContext.Default.AccuSceneOptions, AccuSceneOptions.SectionName).Select(d => d.Key).ToHashSet();
        var rows = KeyRows(File.ReadAllText(Path.Combine(Repository.Root(), "docs", "configuration.md")));
        var plain = rows.Where(r => PlainRange().IsMatch(r.Value)).Select(r => r.Key).ToList();

        Assert.That(plain, Has.Count.GreaterThan(30));
        Assert.That(plain.Where(k => !declared.Contains(k)), Is.Empty, "rows whose range no attribute enforces");
    }

    [Test]
    public void MaxRetryDelay_MayNotBeShorterThanRetryDelay()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AccuScene:Alerts:Delivery:RetryDelay"] = "00:00:20",
            ["AccuScene:Alerts:Delivery:MaxRetryDelay"] = "00:00:10",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => AccuSceneOptionsLoader.Load(configuration, configure: null));

        Assert.That(failure!.Failures, Is.EqualTo(new[] { "AccuScene:Alerts:Delivery:MaxRetryDelay must be at least AccuScene:Alerts:Delivery:RetryDelay (00:00:20); it is 00:00:10." }));
    }

    [Test]
    public void NoOtherPage_WritesARangeOfAnOption()
    {
        var keys = OptionRanges.Declared(AccuSceneOptionsJsonContext.Default.AccuSceneOptions, AccuSceneOptions.SectionName).Select(d => d.Key[(d.Key.LastIndexOf(':') + 1)..]).ToHashSet();
        var pages = OtherDocs().ToList();
        Assert.That(pages, Has.Count.GreaterThan(10), "the docs are found");
        foreach (var page in pages)
        {
            var prose = File.ReadLines(page).Where(l => !l.StartsWith('|') && AllowedProse().IsMatch(l)).ToList();
            Assert.That(prose, Is.Empty, $"{Path.GetFileName(page)} states an allowed range in prose");
            foreach (var line in File.ReadLines(page).Where(l => l.StartsWith('|')))
            {
                var cells = line.Split('|', StringSplitOptions.TrimEntries);
                var isOptionRow = cells.Length > 2 && keys.Any(k => cells[1].Contains($"`{k}`", StringComparison.Ordinal) || cells[1].EndsWith(":" + k + "`", StringComparison.Ordinal));
                Assert.That(isOptionRow && RangeText().IsMatch(line), Is.False, $"{Path.GetFileName(page)} writes a range: {line}");
            }
        }
    }

    [Test]
    public void OptionsXmlDocs_DoNotRepeatTheRanges()
    {
        var sources = Repository.Sources(Path.Combine(Repository.Root(), "src", "AccuScene.Otel"), "*Options.cs");
        foreach (var source in sources)
        {
            foreach (var line in File.ReadLines(source).Where(l => l.TrimStart().StartsWith("///", StringComparison.Ordinal)))
            {
                Assert.That(DocRange().IsMatch(line), Is.False, $"{Path.GetFileName(source)} states a range in its XML docs: {line.Trim()}");
            }
        }
    }

    [TestCase("AccuScene:Dashboard:MaxStreams", "0", "AccuScene:Dashboard:MaxStreams must be between 1 and 1000; it is 0.")]
    [TestCase("AccuScene:Events:MaxBytes", "1024", "AccuScene:Events:MaxBytes must be between 1048576 and 1073741824; it is 1024.")]
    [TestCase("AccuScene:Tracing:SamplingRatio", "1.5", "AccuScene:Tracing:SamplingRatio must be between 0 and 1; it is 1.5.")]
    [TestCase("AccuScene:Health:Checks:db:Timeout", "00:00:00.050", "AccuScene:Health:Checks:db:Timeout must be between 00:00:00.100 and 00:05:00; it is 00:00:00.0500000.")]
    [TestCase("AccuScene:Alerts:Webhooks:0:Timeout", "00:10:00", "AccuScene:Alerts:Webhooks:0:Timeout must be between 00:00:00.100 and 00:05:00; it is 00:10:00.")]
    [TestCase("AccuScene:Alerts:HistorySize", "0", "AccuScene:Alerts:HistorySize must be between 1 and 100000; it is 0.")]
    [TestCase("AccuScene:Alerts:Alertmanager:ResolvedResendFor", "2.00:00:00", "AccuScene:Alerts:Alertmanager:ResolvedResendFor must be between 00:00:00 and 1.00:00:00; it is 2.00:00:00.")]
    [TestCase("AccuScene:Alerts:Alertmanager:Timeout", "00:00:00.010", "AccuScene:Alerts:Alertmanager:Timeout must be between 00:00:00.100 and 00:05:00; it is 00:00:00.0100000.")]
    [TestCase("AccuScene:Alerts:Delivery:RetryDelay", "00:00:00.001", "AccuScene:Alerts:Delivery:RetryDelay must be between 00:00:00.010 and 00:01:00; it is 00:00:00.0010000.")]
    [TestCase("AccuScene:Alerts:Delivery:MaxRetryDelay", "00:20:00", "AccuScene:Alerts:Delivery:MaxRetryDelay must be between 00:00:00.010 and 00:10:00; it is 00:20:00.")]
    [TestCase("AccuScene:Dashboard:StreamIntervalMilliseconds", "100", "AccuScene:Dashboard:StreamIntervalMilliseconds must be between 250 and 60000; it is 100.")]
    [TestCase("AccuScene:Dashboard:MaxMetrics", "1001", "AccuScene:Dashboard:MaxMetrics must be between 1 and 1000; it is 1001.")]
    [TestCase("AccuScene:Dashboard:RecentEvents", "-1", "AccuScene:Dashboard:RecentEvents must be between 0 and 200; it is -1.")]
    [TestCase("AccuScene:Health:SuccessThreshold", "101", "AccuScene:Health:SuccessThreshold must be between 1 and 100; it is 101.")]
    public void AValueOutsideItsAttribute_FailsWithTheKeyAndTheRange(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.Contains("Webhooks", StringComparison.Ordinal))
        {
            settings["AccuScene:Alerts:Webhooks:0:Url"] = "http://127.0.0.1:9/hook";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => AccuSceneOptionsLoader.Load(configuration, configure: null));

        Assert.That(failure!.Failures, Is.EqualTo(new[] { message }));
    }

    private static Dictionary<string, string> KeyRows(string markdown)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in markdown.Split('\n').Where(l => l.StartsWith("| `AccuScene:", StringComparison.Ordinal)))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            foreach (Match key in Regex.Matches(cells[1], "`(AccuScene:[^`]+)`"))
            {
                rows[key.Groups[1].Value] = cells[3];
            }
        }

        return rows;
    }

    private static string Quoted(string bound) => bound.Contains(':', StringComparison.Ordinal) ? $"`{bound}`" : bound;

    [GeneratedRegex(@"\ballowed (from )?\d")]
    private static partial Regex AllowedProse();

    [GeneratedRegex(@"^`?[\d:.]+`? – `?[\d:.]+`?(, and not below `\w+`)?$")]
    private static partial Regex PlainRange();

    [GeneratedRegex(@"\d[\d,]*`? – `?\d")]
    private static partial Regex RangeText();

    [GeneratedRegex(@"\b\d[\d,.]*( \w+)? to \d[\d,.]*\b")]
    private static partial Regex DocRange();
}
