using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary>
/// An app with its own authentication (a bearer scheme of its own takes the <c>Authorization</c> header the SDK's
/// tokens use) puts its authorization on the SDK's endpoints: a user its policy admits needs no SDK token, one it
/// refuses is refused by ASP.NET Core, and an endpoint without the app's authorization still asks for the token.
/// </summary>
[NonParallelizable]
public class AppAuthorizationTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task TheAppsOwnAuthorization_OnTheSdkEndpoints_StandsForTheToken(CancellationToken cancellationToken)
    {
        var builder = AppWithItsOwnAuthentication("app-authorization");
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAccuSceneEvents().RequireAuthorization("ops");
        app.MapAccuSceneAlerts().RequireAuthorization("ops");
        app.MapAccuSceneEvents("/events-without-app-authorization");
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var anonymous = await SendAsync(http, HttpMethod.Get, "/events", null, cancellationToken);
        var admitted = await SendAsync(http, HttpMethod.Get, "/events", "alice", cancellationToken);
        var acknowledged = await SendAsync(http, HttpMethod.Post, "/alerts/unknown/ack", "alice", cancellationToken);
        var refusedByPolicy = await SendAsync(http, HttpMethod.Post, "/alerts/unknown/ack", "bob", cancellationToken);
        var withoutAppAuthorization = await SendAsync(http, HttpMethod.Get, "/events-without-app-authorization", "alice", cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous, Is.EqualTo(401), "the app's authentication challenges an anonymous caller");
            Assert.That(admitted, Is.EqualTo(200), "a user the app's policy admits reads without the SDK's token");
            Assert.That(acknowledged, Is.EqualTo(404), "and reaches the acknowledgement (an unknown alert)");
            Assert.That(refusedByPolicy, Is.EqualTo(403), "a user the policy refuses is refused by ASP.NET Core");
            Assert.That(withoutAppAuthorization, Is.EqualTo(403), "an endpoint without the app's authorization still needs the SDK's token");
        });
    }

    /// <summary>
    /// The policy is evaluated, not assumed from the endpoint having run: an app whose authorization result handler
    /// lets a failed policy through (an "audit mode") runs the endpoint for a signed-in user the policy refused, who
    /// still needs the token. <c>AllowAnonymous()</c> on a parent group keeps the token rules too.
    /// </summary>
    [Test]
    [CancelAfter(30_000)]
    public async Task APolicyThatDidNotRun_OrAnAnonymousGroup_WaivesNoToken(CancellationToken cancellationToken)
    {
        var builder = AppWithItsOwnAuthentication("app-authorization-not-run");
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, LetEverythingThrough>();
        await using var app = builder.Build();
        app.MapAccuSceneEvents().RequireAuthorization("ops");
        app.MapAccuSceneEvents("/by-requirement").RequireAuthorization(new AliceOnly());
        app.MapGroup("/anonymous").AllowAnonymous().MapAccuSceneEvents().RequireAuthorization("ops");
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var bob = await SendAsync(http, HttpMethod.Get, "/events", "bob", cancellationToken);
        var alice = await SendAsync(http, HttpMethod.Get, "/events", "alice", cancellationToken);
        var bobByRequirement = await SendAsync(http, HttpMethod.Get, "/by-requirement", "bob", cancellationToken);
        var aliceByRequirement = await SendAsync(http, HttpMethod.Get, "/by-requirement", "alice", cancellationToken);
        var anonymousGroup = await SendAsync(http, HttpMethod.Get, "/anonymous/events", "alice", cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bob, Is.EqualTo(403), "a user the policy refuses gets no waiver when the policy did not run");
            Assert.That(alice, Is.EqualTo(200), "the SDK evaluates the policy itself");
            Assert.That(bobByRequirement, Is.EqualTo(403), "the endpoint's requirement data is part of the policy the SDK evaluates");
            Assert.That(aliceByRequirement, Is.EqualTo(200));
            Assert.That(anonymousGroup, Is.EqualTo(403), "AllowAnonymous on a parent group keeps the token rules");
        });
    }

    // A loopback app where no request is local and no token is configured, with the app's own scheme and an "ops"
    // policy that admits alice.
    private static WebApplicationBuilder AppWithItsOwnAuthentication(string service)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAccuScene(o =>
        {
            o.Service.Name = service;
            o.Exporters.Console.Enabled = false;
            o.Endpoints.RequireTokens = true;
        });
        builder.Services.AddAuthentication(HeaderUser.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderUser>(HeaderUser.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy("ops", policy => policy.RequireUserName("alice"));
        return builder;
    }

    private static async Task<int> SendAsync(HttpClient http, HttpMethod method, string path, string? user, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Add(HeaderUser.Header, user);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>Authorization by requirement data (.NET 8): any signed-in user by the default policy, and alice only by the requirement.</summary>
    private sealed class AliceOnly : Attribute, IAuthorizeData, IAuthorizationRequirementData
    {
        public string? Policy { get; set; }

        public string? Roles { get; set; }

        public string? AuthenticationSchemes { get; set; }

        public IEnumerable<IAuthorizationRequirement> GetRequirements() => [new NameAuthorizationRequirement("alice")];
    }

    /// <summary>An authorization result handler that logs nothing and refuses nothing.</summary>
    private sealed class LetEverythingThrough : IAuthorizationMiddlewareResultHandler
    {
        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) => next(context);
    }

    /// <summary>A stand-in for the app's own scheme: the user named in a header.</summary>
    private sealed class HeaderUser(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "HeaderUser";
        public const string Header = "X-Test-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var name = this.Request.Headers[Header].ToString();
            return Task.FromResult(name.Length == 0
                ? AuthenticateResult.NoResult()
                : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName)), SchemeName)));
        }
    }
}
