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
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["AccuScene__Exporters__Prometheus__Port"] = prometheusPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var process = ServerProcess.Start(
            "dotnet",
            [demoDll, "--duration", duration, "--urls", $"http://127.0.0.1:{httpPort}", .. arguments ?? []],
            variables,
            Path.GetDirectoryName(demoDll));
        return (process, httpPort, prometheusPort);
    }
}
