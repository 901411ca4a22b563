using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Prometheus;
using AccuScene.Otel.Instrumentation.Metrics;

namespace AccuScene.Otel.Demo;

/// <summary>
/// <c>export-rules [--output RULES] [--tests TESTS]</c>: writes the demo's alert rules as a Prometheus
/// alerting-rules file, and with <c>--tests</c> a <c>promtool test rules</c> file generated from the same rules.
/// </summary>
internal static class ExportRules
{
    /// <summary>The rules file the tests name when the rules go to standard output.</summary>
    public const string DefaultRulesFile = "accuscene-rules.yml";

    public static int Write(IServiceProvider services, DemoArguments demo)
    {
        if (services.GetService<AccuSceneAlertEngine>() is not { } engine)
        {
            Console.Error.WriteLine("No alert rules are configured (AccuScene:Alerts:Rules).");
            return 1;
        }

        var instruments = Instruments(services);
        int written;
        using (var output = Open(demo.ExportOutput))
        {
            written = PrometheusAlertRules.Write(engine.Rules, instruments, output);
        }

        if (demo.ExportTests is { } testsPath)
        {
            // promtool opens rule_files relative to the test file.
            var rulesFile = demo.ExportOutput is { } rulesPath
                ? Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(testsPath))!, Path.GetFullPath(rulesPath))
                : DefaultRulesFile;
            using var tests = Open(testsPath);
            var tested = PrometheusRuleTests.Write(engine.Rules, instruments, rulesFile, tests);
            Console.Error.WriteLine($"{tested} of {engine.Rules.Count} rules have promtool tests in {testsPath}; they read the rules from {rulesFile}.");
        }

        return written == engine.Rules.Count ? 0 : 1;
    }

    /// <summary>
    /// The demo's instruments, created so their units and kinds are known (the health monitor's too, which the
    /// health scheduler would otherwise create only when it starts); ASP.NET Core publishes
    /// <c>http.server.request.duration</c> only once it serves, so that one is described here.
    /// </summary>
    public static IEnumerable<AlertInstrument> Instruments(IServiceProvider services)
    {
        _ = services.GetRequiredService<SimulationMetrics>();
        _ = services.GetRequiredService<DatabaseMetrics>();
        _ = services.GetRequiredService<CacheMetrics>();
        _ = services.GetRequiredService<SystemMetrics>();
        _ = services.GetService<AccuScene.Otel.Health.AccuSceneHealthMonitor>();
        return AlertInstrument.Published()
            .Where(i => i.Name != "http.server.request.duration")
            .Append(new AlertInstrument("http.server.request.duration", "s", AlertInstrumentKind.Histogram));
    }

    public static TextWriter Open(string? path) =>
        path is null ? new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true } : new StreamWriter(path);
}
