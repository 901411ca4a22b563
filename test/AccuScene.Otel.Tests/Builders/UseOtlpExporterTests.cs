using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Builders;

/// <summary>
/// OpenTelemetry refuses <c>UseOtlpExporter()</c> next to a signal's own <c>AddOtlpExporter()</c>, which AccuScene calls
/// when an OTLP endpoint is set (as Aspire sets it for every project). The app never called <c>AddOtlpExporter()</c>, so
/// the start says what AccuScene did and the key that lets <c>UseOtlpExporter()</c> export instead.
/// </summary>
public class UseOtlpExporterTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void UseOtlpExporter_WithAccuScenesOwnOtlp_FailsAtStart_NamingTheKeyThatTurnsItOff(bool useOtlpFirst)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildAndStart(useOtlpFirst, ("AccuScene:Exporters:Otlp:Endpoint", "http://127.0.0.1:1")));
        Assert.That(error!.Message, Does.Contain("UseOtlpExporter()")
            .And.Contain("AccuScene:Exporters:Otlp:Enabled=false")
            .And.Contain("AccuScene:Exporters:Otlp:Endpoint"));
    }

    [Test]
    public void UseOtlpExporter_WithTheStandardEndpoint_NamesThatKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildAndStart(useOtlpFirst: false, ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")));
        Assert.That(error!.Message, Does.Contain("OTEL_EXPORTER_OTLP_ENDPOINT").And.Contain("AccuScene:Exporters:Otlp:Enabled=false"));
    }

    // A signal's own endpoint turns on that signal's exporter only: its provider is the one that stops the start.
    [TestCase("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:1/v1/traces", "exports traces", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set")]
    [TestCase("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://127.0.0.1:1/v1/metrics", "exports metrics", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is set")]
    [TestCase("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://127.0.0.1:1/v1/logs", "exports logs", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is set")]
    [TestCase("AccuScene:Exporters:Otlp:Enabled", "true", "exports logs", "AccuScene:Exporters:Otlp:Enabled is set")]
    public void UseOtlpExporter_NamesTheSignalAndTheSettingThatTurnedItOn(string key, string value, string signal, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildAndStart(useOtlpFirst: false, (key, value)));
        Assert.That(error!.Message, Does.Contain(signal).And.Contain(setting));
    }

    [Test]
    public void UseOtlpExporter_WithOptionsFromAnotherSection_NamesTheKeysInIt()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:Exporters:Otlp:Endpoint"] = "http://127.0.0.1:1",
            ["Telemetry:Dashboard:Enabled"] = "false",
        });
        builder.Services.AddAccuScene(builder.Configuration.GetSection("Telemetry"));
        builder.Services.AddOpenTelemetry().UseOtlpExporter();
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            using var host = builder.Build();
            host.Start();
            host.StopAsync().GetAwaiter().GetResult();
        });

        Assert.That(error!.Message, Does.Contain("because Telemetry:Exporters:Otlp:Endpoint is set")
            .And.Contain("set Telemetry:Exporters:Otlp:Enabled=false")
            .And.Not.Contain("AccuScene:"), "the keys the app can set: the ones under its section");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task UseOtlpExporter_WithAccuScenesOtlpTurnedOff_Starts(bool useOtlpFirst)
    {
        using var host = Build(
            useOtlpFirst,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"),
            ("AccuScene:Exporters:Otlp:Enabled", "false"));

        await host.StartAsync();
        Assert.That(host.Services.GetRequiredService<TracerProvider>(), Is.Not.Null);
        await host.StopAsync();
    }

    // The host resolves a logger while it builds, so the logger provider (and the check) may run in Build() already.
    private static void BuildAndStart(bool useOtlpFirst, params (string Key, string Value)[] settings)
    {
        using var host = Build(useOtlpFirst, settings);
        host.Start();
        host.StopAsync().GetAwaiter().GetResult();
    }

    private static IHost Build(bool useOtlpFirst, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Dashboard:Enabled"] = "false" });
        var otel = builder.Services.AddOpenTelemetry();
        if (useOtlpFirst)
        {
            otel.UseOtlpExporter().UseAccuScene();
        }
        else
        {
            otel.UseAccuScene().UseOtlpExporter();
        }

        return builder.Build();
    }
}
