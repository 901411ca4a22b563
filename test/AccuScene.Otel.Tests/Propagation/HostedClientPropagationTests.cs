using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Propagation;

/// <summary>
/// A typed HttpClient injected into a worker is created with the host's hosted services, before OpenTelemetry's
/// builds the providers; its handler keeps the propagator current then, so it must already be AccuScene's.
/// </summary>
[NonParallelizable]
public sealed class HostedClientPropagationTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task ATypedClientCreatedWithAWorker_SendsTheAccuSceneHeaders(CancellationToken cancellationToken)
    {
        var previous = DistributedContextPropagator.Current;
        DistributedContextPropagator.Current = DistributedContextPropagator.CreateDefaultPropagator();
        try
        {
            var received = new List<string?>();
            var receiver = WebApplication.CreateSlimBuilder();
            receiver.WebHost.UseUrls("http://127.0.0.1:0");
            await using var server = receiver.Build();
            server.MapGet("/", (HttpRequest request) =>
            {
                lock (received)
                {
                    received.Add(request.Headers["x-accuscene-scene-id"].FirstOrDefault());
                }
            });
            await server.StartAsync(cancellationToken);

            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddKeyedSingleton<IHostedService, Keyed>("keyed"); // a keyed hosted service before AddAccuScene() is passed over
            builder.Services.AddAccuScene();
            builder.Services.AddHttpClient<SceneClient>(c => c.BaseAddress = new Uri(server.Urls.First()));
            builder.Services.AddHostedService<Worker>();
            using var host = builder.Build();
            await host.StartAsync(cancellationToken);
            var worker = host.Services.GetServices<IHostedService>().OfType<Worker>().Single();
            using (var run = new Activity("run").SetIdFormat(ActivityIdFormat.W3C).Start())
            {
                run.SetBaggage(AccuSceneAttributes.SceneId, "scene-42");
                using var response = await worker.Client.Http.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
            }

            await host.StopAsync(cancellationToken);
            await server.StopAsync(cancellationToken);

            Assert.That(received, Is.EqualTo(new[] { "scene-42" }), "the worker's client carries x-accuscene-scene-id");
        }
        finally
        {
            DistributedContextPropagator.Current = previous;
        }
    }

    /// <summary>
    /// ASP.NET Core's web host service takes the propagator in its constructor too: after a failed build, it must see
    /// the same failure, not OpenTelemetry's refusal to build a provider twice.
    /// </summary>
    [Test]
    [CancelAfter(30_000)]
    public async Task AWebAppWithAMistypedSetting_FailsToStartNamingIt(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Tracing:SampligRatio"] = "0.5" });
        builder.Services.AddAccuScene();
        builder.Services.AddHttpClient<SceneClient>();
        builder.Services.AddHostedService<Worker>();
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(cancellationToken));

        Assert.That(ex!.Message, Does.Contain("AccuScene:Tracing:SampligRatio is not a known setting"));
    }

    private sealed class SceneClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    private sealed class Keyed : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Worker(SceneClient client) : BackgroundService
    {
        public SceneClient Client { get; } = client;

        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }
}
