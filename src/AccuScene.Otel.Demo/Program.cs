using AccuScene.Otel.Demo;
using AccuScene.Otel.Demo.Chaos;
using AccuScene.Otel.Demo.Scenes;
using AccuScene.Otel.Demo.Simulation;
using AccuScene.Otel.Instrumentation.Metrics;
using OpenTelemetry.Trace;

DemoArguments demo;
try
{
    demo = DemoArguments.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}

// appsettings.json is read from next to the binary, so the demo behaves the same from any working directory.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = demo.HostArguments, ContentRootPath = AppContext.BaseDirectory });
// Loopback unless told otherwise: by --urls, ASPNETCORE_URLS, or the HTTP_PORTS the .NET container images set.
string[] listenKeys = ["urls", "ASPNETCORE_URLS", "http_ports", "https_ports", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS"];
if (listenKeys.All(k => string.IsNullOrEmpty(builder.Configuration[k])))
{
    builder.WebHost.UseUrls(DemoArguments.DefaultUrl);
}

// One condensed line per log record (AccuScene:Logging:Console), in place of the two-line default console logger.
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    // The API speaks snake_case, as the scene JSON the worker and the load generator read.
    o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, DemoJsonContext.Default);
});
// Added before AddAccuScene(), so it runs before the exporters: the load generator's expected 404s are not errors.
builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new ExpectedStatusProcessor()));
builder.Services.AddAccuScene(builder.Configuration.GetSection("AccuScene"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(demo);
builder.Services.AddMemoryCache();
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSingleton<SceneStore>();
builder.Services.AddHealthChecks()
    .AddAccuSceneLivenessCheck()
    .AddAccuSceneDatabaseCheck("database", sp => sp.GetRequiredService<SceneStore>().DataSource, "SELECT count(*) FROM scenes")
    .AddAccuSceneCacheCheck("cache")
    .AddAccuSceneMemoryCheck(degradedBytes: 1L << 30, unhealthyBytes: 2L << 30);
builder.Services.AddSingleton<ChaosState>();
builder.Services.AddSingleton<ChaosControl>();
builder.Services.AddSingleton<SimulationQueue>();
builder.Services.AddSingleton<DemoCounters>();
builder.Services.AddHostedService<SimulationWorker>();
builder.Services.AddHostedService<LoadGenerator>();
builder.Services.AddHostedService<ProgressReporter>();
if (demo.Chaos)
{
    builder.Services.AddHostedService<ChaosSchedule>();
}

builder.Services.AddHttpClient("self", (sp, client) =>
{
    var server = sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
    var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>();
    var address = addresses?.Addresses.FirstOrDefault() ?? DemoArguments.DefaultUrl;
    client.BaseAddress = new Uri(LocalAddress.Of(address).TrimEnd('/') + "/");
    client.Timeout = TimeSpan.FromSeconds(10);
});

// Disposed at exit, so the providers run their final collection and export whatever the run length.
await using var app = builder.Build();
if (demo.ExportRules || demo.ExportGrafana)
{
    try
    {
        // The default rules (appsettings.json) as Prometheus alerting rules, over the names the Prometheus exporter
        // produces; or the dashboard layout as a Grafana dashboard, its PromQL over the same names.
        return demo.ExportRules ? ExportRules.Write(app.Services, demo) : ExportGrafana.Write(app.Services, demo);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
    {
        await Console.Error.WriteLineAsync($"The export could not be written: {ex.Message}").ConfigureAwait(false);
        return 2;
    }
}

app.MapAccuSceneHealth();
app.MapAccuSceneEvents();
app.MapAccuSceneProfiling();
app.MapAccuSceneAlerts();
app.MapAccuSceneDashboard();
app.MapSceneApi();
app.MapChaosEndpoint();

if (demo.Duration is { } duration)
{
    var time = app.Services.GetRequiredService<TimeProvider>();
    app.Lifetime.ApplicationStarted.Register(() =>
        _ = Task.Delay(duration, time).ContinueWith(_ => app.Lifetime.StopApplication(), TaskScheduler.Default));
}

await app.StartAsync().ConfigureAwait(false);
Console.WriteLine(DemoBanner.Text(app.Urls, app.Configuration, demo));

await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;
