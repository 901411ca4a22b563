using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Alerts;

/// <summary>The demo's default rules: exported for Prometheus, and fired under chaos into a real Alertmanager, by the demo and by Prometheus.</summary>
[NonParallelizable]
public partial class DemoAlertsTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task ExportRules_PassesPromtool_WithAtLeastThreeRules(CancellationToken cancellationToken)
    {
        var rules = await ExportRulesAsync(cancellationToken);
        var (exitCode, output) = await PrometheusServer.CheckRulesAsync(rules, cancellationToken);
        TestContext.Out.WriteLine($"promtool check rules: {output.Trim()}");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(RulesFound().Match(output) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0, Is.GreaterThanOrEqualTo(3), output);
        Assert.That(rules, Does.Not.Contain("# not exported"), "every default rule has a PromQL translation");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task UnderChaos_TheDemoAndPrometheus_PutTheSameAlertIntoAlertmanager(CancellationToken cancellationToken)
    {
        var rules = await ExportRulesAsync(cancellationToken);
        using var alertmanager = await AlertmanagerServer.StartAsync(cancellationToken);
        var (demo, httpPort, prometheusPort) = DemoProcess.Start(
            "170s",
            new Dictionary<string, string>
            {
                ["AccuScene__Alerts__Alertmanager__Url"] = alertmanager.Url.ToString(),
                ["AccuScene__Alerts__Alertmanager__ResendInterval"] = "00:00:05",
            },
            ["--chaos"]);
        using var demoProcess = demo;
        var started = Stopwatch.StartNew();
        using var prometheus = await PrometheusServer.StartWithRulesAsync($"127.0.0.1:{prometheusPort}", rules, alertmanager.Url, cancellationToken);

        // Prometheus loads every exported rule, and each evaluates with health "ok" once there is data.
        List<(string Name, string Health, string State, string? LastError)> loaded = [];
        while (started.Elapsed < TimeSpan.FromSeconds(60))
        {
            loaded = await prometheus.RulesAsync(cancellationToken);
            if (loaded.Count > 0 && loaded.All(r => r.Health == "ok"))
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        TestContext.Out.WriteLine($"Prometheus rules: {string.Join(", ", loaded.Select(r => $"{r.Name}={r.Health}/{r.State}{(r.LastError is { Length: > 0 } e ? " (" + e + ")" : string.Empty)}"))}");
        Assert.That(loaded.Select(r => r.Name), Is.EquivalentTo(RuleNames().Matches(rules).Select(m => m.Groups[1].Value)));
        Assert.That(loaded.Select(r => r.Health), Is.All.EqualTo("ok"));

        // The series every exported expression reads exist under exactly those names in the demo's scrape.
        foreach (var series in MetricNames().Matches(rules).Select(m => m.Value).Distinct())
        {
            var found = false;
            while (!found && started.Elapsed < TimeSpan.FromSeconds(90))
            {
                found = (await prometheus.QueryAsync($"count({series})", cancellationToken)).Count > 0;
                await Task.Delay(found ? 0 : 500, cancellationToken);
            }

            Assert.That(found, Is.True, $"Prometheus scraped {series} from the demo");
        }

        // The demo's own engine fires first (within 120 s of start), then Prometheus fires the same alert.
        string? fromDemo = null;
        TimeSpan demoAt = default;
        TimeSpan prometheusAt = default;
        string? fromPrometheus = null;
        while (started.Elapsed < TimeSpan.FromSeconds(165) && (fromDemo is null || fromPrometheus is null))
        {
            var alerts = await alertmanager.AlertsAsync(cancellationToken);
            foreach (var (labels, state, _) in alerts.Where(a => a.State == "active"))
            {
                if (!labels.ContainsKey("source") && fromDemo is null && labels.ContainsKey("severity"))
                {
                    (fromDemo, demoAt) = (labels["alertname"], started.Elapsed);
                }
            }

            fromPrometheus ??= alerts.Where(a => a.Labels.GetValueOrDefault("source") == "prometheus" && alerts.Any(d => !d.Labels.ContainsKey("source") && d.Labels["alertname"] == a.Labels["alertname"]))
                .Select(a => a.Labels["alertname"]).FirstOrDefault();
            if (fromPrometheus is not null && prometheusAt == default)
            {
                prometheusAt = started.Elapsed;
            }

            await Task.Delay(500, cancellationToken);
        }

        var all = await alertmanager.AlertsAsync(cancellationToken);
        TestContext.Out.WriteLine($"alerts: the demo's first {fromDemo} at {demoAt.TotalSeconds:F0} s after start; Prometheus fired {fromPrometheus} at {prometheusAt.TotalSeconds:F0} s; in Alertmanager: {string.Join(", ", all.Select(a => $"{a.Labels["alertname"]}[{a.Labels.GetValueOrDefault("source", "demo")}, severity={a.Labels.GetValueOrDefault("severity")}]"))}");
        Assert.That(fromDemo, Is.Not.Null, $"no alert from the demo within 165 s:\n{demoProcess.Output[^Math.Min(4000, demoProcess.Output.Length)..]}");
        Assert.That(demoAt, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(fromPrometheus, Is.Not.Null, "Prometheus, driven by the same metrics, fired one of the demo's alerts");

        // The demo serves the alerts it holds at /alerts.
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/alerts"), cancellationToken));
        var active = document.RootElement.GetProperty("active").EnumerateArray().Concat(document.RootElement.GetProperty("recent").EnumerateArray()).Select(a => a.GetProperty("rule").GetString()).ToList();
        Assert.That(active, Does.Contain(fromDemo));
    }

    internal static async Task<string> ExportRulesAsync(CancellationToken cancellationToken)
    {
        var demoDll = BuildPaths.Get("DemoAssemblyPath");
        using var process = ServerProcess.Start("dotnet", [demoDll, "export-rules"], new Dictionary<string, string>(), Path.GetDirectoryName(demoDll));
        Assert.That(await process.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken), Is.True, "export-rules exits");
        Assert.That(process.ExitCode, Is.Zero, process.Output);
        return process.Output;
    }

    [GeneratedRegex(@"SUCCESS: (\d+) rules found")]
    private static partial Regex RulesFound();

    [GeneratedRegex(@"- alert: ""([^""]+)""")]
    private static partial Regex RuleNames();

    [GeneratedRegex(@"\b(?:accuscene|http_server)_[a-z_]+(?=[\[{)])")]
    private static partial Regex MetricNames();
}
