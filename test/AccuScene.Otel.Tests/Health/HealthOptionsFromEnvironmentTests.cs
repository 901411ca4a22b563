using AccuScene.Otel.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Health;

/// <summary>
/// Health checks registered without <c>AddAccuScene()</c> read the <c>AccuScene__Health__*</c> variables, checked
/// like every other option: unknown keys, ranges and the endpoint's rules, each failure naming its key. Other
/// sections are not theirs to check.
/// </summary>
[NonParallelizable]
public class HealthOptionsFromEnvironmentTests
{
    private readonly Dictionary<string, string?> _saved = [];

    [TearDown]
    public void RestoreTheEnvironment()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        _saved.Clear();
    }

    [Test]
    public void TheVariables_AreBound()
    {
        this.Set("AccuScene__Health__Timeout", "00:00:02");
        this.Set("AccuScene__Health__Checks__db__FailureThreshold", "7");

        var options = HealthOptionsFromEnvironment.Load();

        Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(options.Checks["db"].FailureThreshold, Is.EqualTo(7));
    }

    [TestCase("AccuScene__Health__Timeout", "00:00:00.050", "AccuScene:Health:Timeout must be between 00:00:00.100 and 00:05:00; it is 00:00:00.0500000.")]
    [TestCase("AccuScene__Health__Checks__db__SuccessThreshold", "0", "AccuScene:Health:Checks:db:SuccessThreshold must be between 1 and 100; it is 0.")]
    [TestCase("AccuScene__Health__Endpoint__Port", "70000", "AccuScene:Health:Endpoint:Port must be between 0 and 65535; it is 70000.")]
    [TestCase("AccuScene__Health__Interval", "30s", "AccuScene:Health:Interval must be a duration ([d.]hh:mm:ss[.fff], such as 00:00:30) between 00:00:01 and 01:00:00; it is '30s'.")]
    [TestCase("AccuScene__Health__Tmeout", "00:00:02", "AccuScene:Health:Tmeout is not a known setting; the settings of AccuScene:Health are: Interval, Timeout, FailureThreshold, SuccessThreshold, Checks, Endpoint.")]
    public void ABadVariable_StopsTheScheduler_NamingItsKey(string variable, string value, string message)
    {
        this.Set(variable, value);
        using var services = new ServiceCollection().AddLogging().AddMetrics().AddHealthChecks().AddAccuSceneScheduling().Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<AccuSceneHealthMonitor>());

        Assert.That(failure!.Failures, Is.EqualTo(new[] { message }));
        Assert.That(failure.OptionsType, Is.EqualTo(typeof(AccuSceneHealthOptions)));
    }

    [Test]
    public void ATypoInAnotherSection_IsNotTheHealthChecksConcern()
    {
        this.Set("AccuScene__Tracing__SampligRatio", "0.5");

        Assert.DoesNotThrow(() => HealthOptionsFromEnvironment.Load());
    }

    [Test]
    public void TheProbeEndpoints_WithoutAddAccuScene_ReadOnlyTheirOwnKey()
    {
        // The endpoints' one key outside the health section is whether they are recorded; a typo or an OTLP endpoint
        // elsewhere used to be checked (and fail the app) when they were mapped.
        this.Set("AccuScene__Tracing__SampligRatio", "0.5");
        this.Set("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317");
        using var app = App();

        Assert.DoesNotThrow(() => app.MapAccuSceneHealth());

        this.Set("AccuScene__Tracing__IncludeSdkEndpoints", "sometimes");
        using var strict = App();
        Assert.That(
            () => strict.MapAccuSceneHealth(),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.EqualTo("AccuScene:Tracing:IncludeSdkEndpoints must be true or false; it is 'sometimes'."));

        static WebApplication App()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
            return builder.Build();
        }
    }

    private void Set(string name, string value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }
}
