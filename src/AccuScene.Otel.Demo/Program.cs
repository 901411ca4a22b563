using AccuScene.Otel.Demo;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Tracing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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

var builder = WebApplication.CreateSlimBuilder(demo.HostArguments);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls(DemoArguments.DefaultUrl);
}

builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DemoJsonContext.Default));
builder.Services.AddAccuScene(builder.Configuration.GetSection("AccuScene"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHealthChecks().AddCheck("process", () => HealthCheckResult.Healthy("The process is running."), tags: ["live"]);
builder.Services.AddHostedService<SimulationWorker>();
builder.Services.AddHttpClient("self", (sp, client) =>
{
    var server = sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
    var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>();
    var address = addresses?.Addresses.FirstOrDefault() ?? DemoArguments.DefaultUrl;
    client.BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
});

var app = builder.Build();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
app.MapGet("/scenes/{id}", (string id, ILoggerFactory loggers) =>
{
    using (AccuSceneSpans.StartDatabaseQuery("sqlite", "SELECT", "scenes", "SELECT * FROM scenes WHERE id = $id"))
    {
        DemoLog.SceneLoaded(loggers.CreateLogger("AccuScene.Otel.Demo.Scenes"), id, AccuSceneContext.CurrentSceneId);
    }

    return Results.Ok(new SceneDto(id, 2));
});

if (demo.Duration is { } duration)
{
    app.Lifetime.ApplicationStarted.Register(() =>
        _ = Task.Delay(duration).ContinueWith(_ => app.Lifetime.StopApplication(), TaskScheduler.Default));
}

await app.StartAsync().ConfigureAwait(false);
foreach (var address in app.Urls)
{
    Console.WriteLine($"AccuScene demo listening on {address} (health: {address}/health/live). Ctrl+C stops it.");
}

await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

