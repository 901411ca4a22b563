using System.Text.Json;
using AccuScene.Otel.Alerts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// A loopback-only server lets local tools go without tokens, but not a request that came through a reverse proxy
/// on the same machine (it arrives from 127.0.0.1 too), and not any request under <c>RequireTokens</c>. <c>GET
/// /alerts</c> refuses a rebound Host as the dashboard does; an acknowledgement's body is read whatever framing
/// carries it; a token with surrounding whitespace fails at start.
/// </summary>
[NonParallelizable]
public class LocalRequestGuardTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task ALoopbackServer_AsksForTokens_WhenARequestWasForwarded_OrTokensAreRequired(CancellationToken cancellationToken)
    {
        async Task<(int Events, int Ack, int Local)> Run(bool requireTokens, string? forwarded)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddAccuScene(o => o.Endpoints.RequireTokens = requireTokens);
            await using var app = builder.Build();
            app.MapAccuSceneEvents();
            app.MapAccuSceneAlerts();
            await app.StartAsync(cancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            async Task<int> Send(HttpMethod method, string path, string? header)
            {
                using var request = new HttpRequestMessage(method, path);
                if (header is not null)
                {
                    request.Headers.TryAddWithoutValidation(header, "203.0.113.7");
                }

                using var response = await http.SendAsync(request, cancellationToken);
                return (int)response.StatusCode;
            }

            var events = await Send(HttpMethod.Get, "/events", forwarded);
            var ack = await Send(HttpMethod.Post, "/alerts/unknown/ack", forwarded);
            var local = await Send(HttpMethod.Get, "/events", header: null);
            await app.StopAsync(cancellationToken);
            return (events, ack, local);
        }

        var forwardedFor = await Run(requireTokens: false, forwarded: "X-Forwarded-For");
        var forwarded = await Run(requireTokens: false, forwarded: "Forwarded");
        var via = await Run(requireTokens: false, forwarded: "Via");
        var cdn = await Run(requireTokens: false, forwarded: "CF-Connecting-IP");
        var required = await Run(requireTokens: true, forwarded: null);

        Assert.Multiple(() =>
        {
            Assert.That(forwardedFor.Local, Is.EqualTo(200), "a local tool needs no token");
            Assert.That(forwardedFor.Events, Is.EqualTo(403), "events through a proxy need the read token");
            Assert.That(forwardedFor.Ack, Is.EqualTo(403), "acknowledging through a proxy needs the token, before the alert is looked up");
            Assert.That(forwarded.Events, Is.EqualTo(403));
            Assert.That((via.Events, cdn.Events), Is.EqualTo((403, 403)), "a proxy that adds only Via, or a CDN's own client header");
            Assert.That(required.Events, Is.EqualTo(403), "RequireTokens: a local request too");
            Assert.That(required.Local, Is.EqualTo(403));
            Assert.That(required.Ack, Is.EqualTo(403));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task WithPerSignalBuildersOnly_TheirTokenSettingsGuardTheEndpoints(CancellationToken cancellationToken)
    {
        // No services.AddAccuScene(): the builders' own options decide, the strictest of them.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddAccuScene(o => o.Endpoints.RequireTokens = true))
            .WithMetrics(m => m.AddAccuScene(o =>
            {
                o.Endpoints.ReadToken = "read-secret";
                o.Alerts.AcknowledgeToken = "ack-secret";
            }));
        await using var app = builder.Build();
        app.MapAccuSceneEvents();
        app.MapAccuSceneAlerts();
        await app.StartAsync(cancellationToken);
        var statuses = new List<int>();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        foreach (var (method, path, token) in new[] { (HttpMethod.Get, "/events", null), (HttpMethod.Get, "/events", "read-secret"), (HttpMethod.Post, "/alerts/unknown/ack", null), (HttpMethod.Post, "/alerts/unknown/ack", "ack-secret") })
        {
            statuses.Add(await SendAsync(http, method, path, token, cancellationToken));
        }

        await app.StopAsync(cancellationToken);
        Assert.That(statuses, Is.EqualTo(new[] { 401, 200, 401, 404 }), "a local request too needs the tokens; with them it goes through (404: no such alert)");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task WithNoAccuSceneRegistration_TheEndpointsReadTheirVariablesAlone_AndNoOtherVariableFailsARequest(CancellationToken cancellationToken)
    {
        string[] names = ["AccuScene__NoSuchSection__X", "AccuScene__Endpoints__RequireTokens", "AccuScene__Endpoints__ReadToken"];
        var saved = names.Select(Environment.GetEnvironmentVariable).ToArray();
        try
        {
            Environment.SetEnvironmentVariable(names[0], "1"); // unknown to AccuScene: the endpoints do not read it
            Environment.SetEnvironmentVariable(names[1], "true");
            Environment.SetEnvironmentVariable(names[2], "env-secret");
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
            await using var app = builder.Build();
            app.MapAccuSceneHealth();
            app.MapAccuSceneEvents();
            await app.StartAsync(cancellationToken);
            var statuses = new List<int>();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            foreach (var (path, token) in new[] { ("/health/live", (string?)null), ("/events", null), ("/events", "env-secret") })
            {
                statuses.Add(await SendAsync(http, HttpMethod.Get, path, token, cancellationToken));
            }

            await app.StopAsync(cancellationToken);
            Assert.That(statuses, Is.EqualTo(new[] { 200, 401, 200 }));
        }
        finally
        {
            for (var i = 0; i < names.Length; i++)
            {
                Environment.SetEnvironmentVariable(names[i], saved[i]);
            }
        }
    }

    [Test]
    public void TwoBuildersThatSetDifferentTokens_FailAtRegistration_WithoutShowingEither()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddAccuScene(o => o.Endpoints.ReadToken = "first-secret"));
        var thrown = Assert.Throws<InvalidOperationException>(() =>
            services.AddOpenTelemetry().WithTracing(t => t.AddAccuScene(o => o.Endpoints.ReadToken = "second-secret")));
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Message, Does.Contain("AccuScene:Endpoints:ReadToken"));
            Assert.That(thrown.Message, Does.Not.Contain("first-secret").And.Not.Contain("second-secret"));
            Assert.That(EndpointAccess.From(new AccuSceneOptions { Endpoints = { ReadToken = "shown?" } }).ToString(), Does.Not.Contain("shown?"));
        });
    }

    [TestCase("X-Forwarded-Proto")]
    [TestCase("X-Forwarded-Host")]
    [TestCase(null)]
    [CancelAfter(30_000)]
    public async Task BehindUseForwardedHeaders_ARequestAProxyForwarded_IsStillNotLocal(string? header, CancellationToken cancellationToken)
    {
        // UseForwardedHeaders() takes the Proto and Host headers off the request (keeping them as X-Original-*) without
        // asking whether the sender is a known proxy: what is left must still show the proxy.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAccuScene();
        await using var app = builder.Build();
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost });
        app.MapAccuSceneEvents();
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, header.EndsWith("Proto", StringComparison.Ordinal) ? "https" : "127.0.0.1");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.That((int)response.StatusCode, Is.EqualTo(header is null ? 200 : 403));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task GetAlerts_RefusesARebindingHostAndAnotherOrigin(CancellationToken cancellationToken)
    {
        await using var server = await LoopbackAlertsApp.StartAsync(cancellationToken);
        var http = server.Http;

        async Task<int> Get(string? host, string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/alerts");
            if (host is not null)
            {
                request.Headers.Host = host;
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }

        var local = await Get(host: null, origin: null);
        var rebinding = await Get(host: "rebind.example", origin: null);
        var otherOrigin = await Get(host: null, origin: "http://attacker.example");

        Assert.Multiple(() =>
        {
            Assert.That(local, Is.EqualTo(200));
            Assert.That(rebinding, Is.EqualTo(403));
            Assert.That(otherOrigin, Is.EqualTo(403));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AnAcknowledgement_WhoseBodyHasNoContentLength_KeepsItsAuthorAndComment(CancellationToken cancellationToken)
    {
        // HTTP/2 (cleartext, prior knowledge): a body of unknown length comes with neither Content-Length nor
        // Transfer-Encoding.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        builder.Services.AddAccuScene(o => o.Alerts.Rules.Add(new AlertRule { Name = "hot", Metric = "accuscene.test.temperature", Threshold = 10 }));
        await using var app = builder.Build();
        app.MapAccuSceneAlerts();
        await app.StartAsync(cancellationToken);
        var engine = app.Services.GetRequiredService<AccuSceneAlertEngine>();
        engine.Check("accuscene.test.temperature", 50);
        var id = engine.Active().Single().Id;
        using var http = new HttpClient
        {
            BaseAddress = new Uri(app.Urls.First()),
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var body = new UnknownLengthContent("{\"by\":\"ada\",\"comment\":\"looking\"}"u8.ToArray());
        using var response = await http.PostAsync(new Uri($"/alerts/{id}/ack", UriKind.Relative), body, cancellationToken);
        var acknowledgement = engine.Active().Single().Acknowledgement;
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(acknowledgement?.By, Is.EqualTo("ada"));
            Assert.That(acknowledgement?.Comment, Is.EqualTo("looking"));
        });
    }

    [TestCase("s3cret\n")]
    [TestCase(" s3cret")]
    public void ATokenWithSurroundingWhitespace_FailsAtStart_NamingItsKey(string token)
    {
        var services = new ServiceCollection();
        services.AddAccuScene(o =>
        {
            o.Endpoints.ReadToken = token;
            o.Alerts.AcknowledgeToken = token;
        });
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AccuSceneOptions>>().Value);
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("AccuScene:Endpoints:ReadToken must not begin or end with whitespace"));
            Assert.That(failure.Message, Does.Contain("AccuScene:Alerts:AcknowledgeToken must not begin or end with whitespace"));
        });
    }

    /// <summary>A body whose length is not known before it is sent.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(byte[] bytes)
        {
            _bytes = bytes;
            this.Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static async Task<int> SendAsync(HttpClient http, HttpMethod method, string path, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }
}
