using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Tests.Builders;

/// <summary>
/// <c>OTEL_SDK_DISABLED=true</c> makes OpenTelemetry build no-op providers. The facade still hands out its alert
/// engine (rules can be added; nothing feeds them), and its percentiles listen to nothing.
/// </summary>
[NonParallelizable]
public sealed class SdkDisabledFacadeTests
{
    [Test]
    public void WithTheSdkDisabled_AlertsExist_AndNoPercentileIsRecorded()
    {
        var previous = Environment.GetEnvironmentVariable("OTEL_SDK_DISABLED");
        Environment.SetEnvironmentVariable("OTEL_SDK_DISABLED", "true");
        try
        {
            using var telemetry = AccuSceneTelemetrySystem.Create(o => o.Tracing.CollectHttp = false).Start();
            using var meter = new Meter("AccuScene.SdkDisabled");
            meter.CreateHistogram<double>("accuscene.sdk_disabled.duration", "s").Record(0.5);

            Assert.Multiple(() =>
            {
                Assert.That(telemetry.Alerts, Is.Not.Null, "the engine exists whether or not there are rules");
                Assert.That(telemetry.Alerts!.IdentityLabels, Does.ContainKey("job"), "labelled as the running engine is");
                Assert.That(telemetry.Percentiles?.Find("accuscene.sdk_disabled.duration"), Is.Null, "a disabled SDK records nothing");
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_SDK_DISABLED", previous);
        }
    }

    [Test]
    public void WithTheSdkDisabled_TheFileLogGetsNothing()
    {
        var previous = Environment.GetEnvironmentVariable("OTEL_SDK_DISABLED");
        var directory = Directory.CreateTempSubdirectory("accuscene-sdk-disabled-");
        var path = Path.Combine(directory.FullName, "app.log");
        Environment.SetEnvironmentVariable("OTEL_SDK_DISABLED", "true");
        try
        {
            using (var telemetry = AccuSceneTelemetrySystem.Create(o => (o.Tracing.CollectHttp, o.Logging.File.Path) = (false, path)).Start())
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(telemetry.CreateLogger("Probe"), "written while the SDK is disabled");
            }

            var written = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
            Assert.That(written, Does.Not.Contain("written while the SDK is disabled"), "as configuration.md says: no log record reaches any output");
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_SDK_DISABLED", previous);
            directory.Delete(recursive: true);
        }
    }
}
