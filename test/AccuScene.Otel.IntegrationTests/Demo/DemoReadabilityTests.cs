using System.Text.RegularExpressions;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Demo;

/// <summary>
/// The demo as people follow it, over one 60 s run at the default rate, exporting to a real Aspire Dashboard:
/// the console stays readable (at most 120 lines that are not warnings or errors, progress on exact 30 s
/// marks), a reconstruction's trace is navigable (median at most 25 spans), and the load generator's expected
/// 404s are not error spans.
/// </summary>
[NonParallelizable]
public partial class DemoReadabilityTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task A60SecondRun_HasAFollowableConsole_AndNavigableTraces(CancellationToken cancellationToken)
    {
        using var dashboard = await AspireDashboard.StartAsync(cancellationToken);
        var (demo, _, _, service) = DemoProcess.StartExportingTo(dashboard, "demo", "60s");
        using var demoProcess = demo;
        TestContext.Progress.WriteLine("demo: running for 60 s at the default rate, exporting to the Aspire Dashboard");

        var exited = await demo.WaitForExitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        Assert.That(exited && demo.ExitCode == 0, Is.True, "the demo ran 60 s and exited 0:\n" + demo.Output);
        var lines = demo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var quiet = lines.Where(l => !WarningOrError().IsMatch(l)).ToList();
        var marks = lines.Select(l => ProgressMark().Match(l)).Where(m => m.Success).Select(m => TimeSpan.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        TestContext.Out.WriteLine($"console: {lines.Length} lines, {quiet.Count} that are not warnings or errors; progress marks {string.Join(", ", marks)}");

        var spans = await AspireDashboard.WaitForAsync(
            () => dashboard.GetSpansAsync(service, cancellationToken),
            s => s.Any(x => x.Name == "simulation.run"),
            TimeSpan.FromSeconds(30),
            cancellationToken);
        var runTraces = spans.Where(s => s.Name == "simulation.run").Select(s => s.TraceId).ToHashSet();
        var sizes = spans.Where(s => runTraces.Contains(s.TraceId)).GroupBy(s => s.TraceId).Select(g => g.Count()).Order().ToList();
        var median = sizes[sizes.Count / 2];
        var byId = spans.ToDictionary(s => s.SpanId);
        var expected404s = spans.Where(s => s.ParentSpanId is { } parent && byId.TryGetValue(parent, out var p) && p.Name == "demo.load.result"
            && s.Attributes.TryGetValue("http.response.status_code", out var code) && code == "404").ToList();
        var expected404Errors = expected404s.Count(s => s.StatusCode == OtlpStatusCode.Error || s.Attributes.ContainsKey("error.type"));
        var profilingSpans = spans.Count(s => s.Scope == "AccuScene.Profiling");
        TestContext.Out.WriteLine($"traces: {runTraces.Count} simulation.run traces, spans per trace min {sizes[0]}, median {median}, max {sizes[^1]}; {profilingSpans} profiling spans; {expected404Errors} of {expected404s.Count} expected 404s marked as errors; {spans.Count} spans in all");

        Assert.Multiple(() =>
        {
            Assert.That(quiet, Has.Count.LessThanOrEqualTo(120), "at most 120 lines in 60 s besides warnings and errors:\n" + string.Join('\n', quiet.Take(200)));
            Assert.That(marks, Is.Not.Empty, "a progress line at 30 s");
            Assert.That(marks, Has.All.Matches<TimeSpan>(m => m.Ticks % TimeSpan.FromSeconds(30).Ticks == 0), "progress lines sit on exact 30 s marks");
            Assert.That(median, Is.LessThanOrEqualTo(25), "the median reconstruction trace has at most 25 spans");
            Assert.That(profilingSpans, Is.Zero, "profiling scopes are measured, not traced, by default");
            Assert.That(expected404s, Is.Not.Empty, "the load generator asked for results that did not exist yet");
            Assert.That(expected404Errors, Is.Zero, "the load generator's expected 404s are not errors");
        });
    }

    [GeneratedRegex(@"^\S+ (WARN|ERROR|CRIT|FAIL)\b")]
    private static partial Regex WarningOrError();

    [GeneratedRegex(@"^=== progress (\d\d:\d\d:\d\d) ===")]
    private static partial Regex ProgressMark();
}
