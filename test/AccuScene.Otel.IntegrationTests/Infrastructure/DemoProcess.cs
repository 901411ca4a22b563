namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>The built demo, run as a user runs it, on ephemeral loopback ports.</summary>
internal static class DemoProcess
{
    public static (ServerProcess Process, int HttpPort, int PrometheusPort) Start(string duration, IReadOnlyDictionary<string, string>? environment = null, string[]? arguments = null)
    {
        var demoDll = BuildPaths.Get("DemoAssemblyPath");
        Assert.That(File.Exists(demoDll), Is.True, $"the demo is built next to the tests: {demoDll}");
        var httpPort = LoopbackPort.GetFree();
        var prometheusPort = LoopbackPort.GetFree();
        // The demo's database in a directory the fixture owns and deletes: a killed demo cleans up nothing itself.
        var directory = Directory.CreateTempSubdirectory("accuscene-demo-test-").FullName;
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["AccuScene__Exporters__Prometheus__Port"] = prometheusPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Demo__DatabasePath"] = Path.Combine(directory, "scenes.db"),
        };
        var process = ServerProcess.Start(
            "dotnet",
            [demoDll, "--duration", duration, "--urls", $"http://127.0.0.1:{httpPort}", .. arguments ?? []],
            variables,
            Path.GetDirectoryName(demoDll));
        process.OwnedDirectory = directory;
        return (process, httpPort, prometheusPort);
    }

    /// <summary>Starts the demo exporting by OTLP to <paramref name="dashboard"/> as a new service named <paramref name="prefix"/>-&lt;8 hex&gt;.</summary>
    public static (ServerProcess Process, int HttpPort, int PrometheusPort, string Service) StartExportingTo(AspireDashboard dashboard, string prefix, string duration, string[]? arguments = null)
    {
        var service = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        var (process, httpPort, prometheusPort) = Start(
            duration,
            new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.GrpcEndpoint.ToString(),
                ["OTEL_SERVICE_NAME"] = service,
            },
            arguments);
        return (process, httpPort, prometheusPort, service);
    }
}
