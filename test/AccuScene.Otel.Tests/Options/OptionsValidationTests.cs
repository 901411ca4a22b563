using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Options;

public class OptionsValidationTests
{
    internal static OptionsValidationException LoadFails(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(configuration, configure: null))!;
    }

    [TestCase("AccuScene:Logging:Console:MinimumLevel", "42", "must be one of Trace, Debug, Information, Warning, Error, Critical or None; it is 42")]
    [TestCase("AccuScene:Tracing:SamplingRatio", "1.5", "must be between 0 and 1; it is 1.5")]
    [TestCase("AccuScene:Tracing:SamplingRatio", "-0.1", "must be between 0 and 1; it is -0.1")]
    [TestCase("AccuScene:Exporters:Otlp:TimeoutMilliseconds", "0", "must be between 1 and 600000; it is 0")]
    [TestCase("AccuScene:Exporters:Otlp:Protocol", "udp", "must be 'grpc' or 'http/protobuf'; it is 'udp'")]
    [TestCase("AccuScene:Exporters:Otlp:Endpoint", "ftp://collector:21", "must be an absolute http:// or https:// URL")]
    [TestCase("AccuScene:Exporters:Otlp:Headers", "novalue", "must be 'key=value' pairs")]
    [TestCase("AccuScene:Exporters:Otlp:Headers", "a=1,,b=2", "pair 2 has no key before its '='")]
    [TestCase("AccuScene:Metrics:ExportIntervalMilliseconds", "50", "must be between 100 and 3600000; it is 50")]
    [TestCase("AccuScene:Service:Name", " ", "must not be blank")]
    [TestCase("AccuScene:Metrics:NamePrefix", "Lab ", "must be 1 to 32 lower-case letters")]
    [TestCase("AccuScene:Exporters:Prometheus:Port", "70000", "must be between 1 and 65535; it is 70000")]
    [TestCase("AccuScene:Exporters:Prometheus:Path", "metrics", "must start with '/'")]
    [TestCase("AccuScene:Metrics:HistogramBoundaries:accuscene.x:0", "NaN", "must be finite and greater than the entry before it (the list must be strictly increasing); it is NaN")]
    [TestCase("AccuScene:Logging:File:MaxFileSizeBytes", "100", "must be between 4096 and 1073741824; it is 100")]
    [TestCase("AccuScene:Logging:File:MaxFiles", "0", "must be between 1 and 10000; it is 0")]
    [TestCase("AccuScene:Logging:File:Format", "xml", "must be 'json' or 'text'; it is 'xml'")]
    [TestCase("AccuScene:Logging:File:FlushInterval", "00:00:00.001", "must be between 00:00:00.010 and 01:00:00")]
    [TestCase("AccuScene:Logging:File:MaxAge", "00:00:05", "must be between 00:01:00 and 3650.00:00:00")]
    [TestCase("AccuScene:Logging:File:Path", "logs/", "must name a file, not a directory")]
    [TestCase("AccuScene:Logging:File:Path", " ", "must be a file path")]
    [TestCase("AccuScene:Logging:Console:Format", "yaml", "must be 'text' or 'json'; it is 'yaml'")]
    [TestCase("AccuScene:Redaction:Keys:0", "--", "must contain a letter or digit")]
    [TestCase("AccuScene:Health:Interval", "00:00:00.500", "must be between 00:00:01 and 01:00:00")]
    [TestCase("AccuScene:Health:Timeout", "00:00:00.010", "must be between 00:00:00.100 and 00:05:00")]
    [TestCase("AccuScene:Health:FailureThreshold", "0", "must be between 1 and 100; it is 0")]
    [TestCase("AccuScene:Health:Checks:db:SuccessThreshold", "101", "must be between 1 and 100; it is 101")]
    [TestCase("AccuScene:Health:Endpoint:Port", "70000", "must be between 0 and 65535; it is 70000")]
    [TestCase("AccuScene:Health:Endpoint:Path", "health", "must start with '/'")]
    [TestCase("AccuScene:Health:Endpoint:Path", "/health/{x}", "hold only letters, digits, '-', '.', '_', '~' and '/'")]
    [TestCase("AccuScene:Health:Endpoint:Path", "/health?x", "hold only letters, digits")]
    [TestCase("AccuScene:Health:Endpoint:Path", "/dashboard", "must not be /dashboard or under it, where the worker host serves the SDK's other endpoints")]
    [TestCase("AccuScene:Health:Endpoint:Path", "/events/probes", "must not be /events or under it")]
    [TestCase("AccuScene:Exporters:Prometheus:Path", "/metrics#x", "hold only letters, digits")]
    [TestCase("AccuScene:Metrics:ExemplarFilter", "7", "must be AlwaysOff, AlwaysOn or TraceBased; it is 7")]
    [TestCase("AccuScene:Dashboard:TraceUrlTemplate", "http://127.0.0.1:18888/traces", "must be an absolute http or https URL of at most 2048 characters containing {trace_id}")]
    [TestCase("AccuScene:Dashboard:TraceUrlTemplate", "javascript:alert({trace_id})", "must be an absolute http or https URL")]
    public void OutOfRangeValue_FailsWithFullKeyAndRange(string key, string value, string expected)
    {
        var ex = LoadFails((key, value));

        Assert.That(ex.Failures, Has.Exactly(1).Contains(key).And.Contains(expected));
    }

    [Test]
    public void AnEmptyFilePath_TurnsTheFileOutputOff_AsAnEmptyVariableOrALaterLayerSetsIt()
    {
        // AccuScene__Logging__File__Path= (or "Path": "" in an environment's appsettings) over a base file's path.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("AccuScene:Logging:File:Path", "logs/app.log")])
            .AddInMemoryCollection([new("AccuScene:Logging:File:Path", string.Empty)])
            .Build();

        var options = AccuSceneOptionsLoader.Load(configuration, configure: null);
        using var factory = LoggerFactory.Create(b => b.AddAccuScene(o => o.Logging.File.Path = options.Logging.File.Path));
        factory.CreateLogger("t").LogWarning("no file");

        Assert.That(options.Logging.File.Path, Is.Empty);
    }

    [Test]
    public void APerRatioOnALineWidget_FailsNamingItsKey()
    {
        var ex = LoadFails(
            ("AccuScene:Dashboard:Widgets:0:Title", "Hits"),
            ("AccuScene:Dashboard:Widgets:0:Type", "Line"),
            ("AccuScene:Dashboard:Widgets:0:Series:0:Metric", "accuscene.cache.hits"),
            ("AccuScene:Dashboard:Widgets:0:Series:0:Per:0", "accuscene.cache.misses"));

        Assert.That(ex.Failures, Has.Exactly(1).Contains("AccuScene:Dashboard:Widgets:0:Series:0:Per must name 0 to 4 metrics, and only for a stat widget's Rate series"));
    }

    [Test]
    public void UnknownKeyInsideAPerCheckSection_FailsWithItsPath()
    {
        var ex = LoadFails(("AccuScene:Health:Checks:db:Intervall", "00:00:05"));

        Assert.That(ex.Message, Does.Contain("AccuScene:Health:Checks:db:Intervall is not a known setting").And.Contain("Interval"));
    }

    [TestCase("example.com", "must be an IP address")]
    [TestCase("localhost", "needs an IP address")]
    public void EndpointHost_MustBeAnAddressOrLocalhost(string host, string expected)
    {
        var ex = LoadFails(("AccuScene:Health:Endpoint:Host", host), ("AccuScene:Health:Endpoint:Port", "0"));

        Assert.That(ex.Message, Does.Contain(expected));
    }

    [Test]
    public void UnknownLogLevel_FailsWithTheKey()
    {
        var ex = LoadFails(("AccuScene:Logging:LogLevel:Simulation", "Loud"));

        Assert.That(ex.Message, Does.Contain("AccuScene:Logging:LogLevel:Simulation"));
    }

    [Test]
    public void LoggingSettings_AreBound()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AccuScene:Logging:LogLevel:Default"] = "Warning",
                ["AccuScene:Logging:File:Path"] = "logs/app.log",
                ["AccuScene:Logging:File:MaxFileSizeBytes"] = "32768",
                ["AccuScene:Logging:File:FlushInterval"] = "00:00:00.250",
                ["AccuScene:Logging:Console:Format"] = "json",
                ["AccuScene:Redaction:Keys:0"] = "vin",
            })
            .Build();

        var options = AccuSceneOptionsLoader.Load(configuration, configure: null);

        Assert.Multiple(() =>
        {
            Assert.That(options.Logging.LogLevel["default"], Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
            Assert.That(options.Logging.File.Path, Is.EqualTo("logs/app.log"));
            Assert.That(options.Logging.File.MaxFileSizeBytes, Is.EqualTo(32768));
            Assert.That(options.Logging.File.FlushInterval, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(options.Logging.Console.Format, Is.EqualTo("json"));
            Assert.That(options.Redaction.Keys, Is.EqualTo(new[] { "vin" }), "configured keys replace the defaults");
        });
    }

    [Test]
    public void DiskRetryWithoutDirectory_NamesBothKeys()
    {
        var ex = LoadFails(("AccuScene:Exporters:Otlp:DiskRetry:Enabled", "true"));

        Assert.That(ex.Message, Does.Contain("AccuScene:Exporters:Otlp:DiskRetry:Directory").And.Contain("AccuScene:Exporters:Otlp:DiskRetry:Enabled is true"));
    }

    [Test]
    public void UnknownKey_FailsWithItsPathAndTheKnownSettings()
    {
        var ex = LoadFails(("AccuScene:Tracing:SampligRatio", "0.5"));

        Assert.That(ex.Message, Does.Contain("AccuScene:Tracing:SampligRatio is not a known setting").And.Contain("SamplingRatio"));
    }

    [Test]
    public void SectionWithAnotherName_IsBoundAndNamedInErrors()
    {
        var good = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:Service:Name"] = "renamed" })
            .Build();
        var typo = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:Servise:Name"] = "typo" })
            .Build();

        var options = AccuSceneOptionsLoader.Load(good.GetSection("Telemetry"), configure: null);
        var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(typo.GetSection("Telemetry"), configure: null));

        var range = Assert.Throws<OptionsValidationException>(() => AccuSceneOptionsLoader.Load(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:Tracing:SamplingRatio"] = "2" }).Build().GetSection("Telemetry"),
            configure: null));

        Assert.That(ex!.Message, Does.Contain("Telemetry:Servise is not a known setting"));
        Assert.That(range!.Message, Does.Contain("Telemetry:Tracing:SamplingRatio must be between 0 and 1"));
        Assert.That(options.Service.Name, Is.EqualTo("renamed"));
    }

    [Test]
    public void UnconvertibleValue_FailsWithTheKey()
    {
        var ex = LoadFails(("AccuScene:Tracing:SamplingRatio", "half"));

        Assert.That(ex.Message, Does.Contain("AccuScene:Tracing:SamplingRatio"));
    }

    [Test]
    public void InvalidPropagatedHeader_NamesTheHeaderKey()
    {
        var ex = LoadFails(("AccuScene:Tracing:PropagatedHeaders:X Tenant", "accuscene.tenant.id"));

        Assert.That(ex.Message, Does.Contain("AccuScene:Tracing:PropagatedHeaders:X Tenant must be a lower-case header name"));
    }

    [TestCase("traceparent")]
    [TestCase("baggage")]
    [TestCase("x-accuscene-scene-id")]
    public void ReservedPropagatedHeader_IsRejected(string header)
    {
        var ex = LoadFails(($"AccuScene:Tracing:PropagatedHeaders:{header}", "accuscene.other.id"));

        Assert.That(ex.Message, Does.Contain($"AccuScene:Tracing:PropagatedHeaders:{header} must not be a W3C, legacy or built-in AccuScene header name"));
    }

    [Test]
    public void DiskRetryDirectoryThatCannotBeCreated_FailsWithTheKey()
    {
        var file = Path.GetTempFileName();
        try
        {
            var ex = Assert.Throws<OptionsValidationException>(() =>
                AccuSceneTelemetrySystem.Create(o =>
                {
                    o.Exporters.Otlp.Endpoint = new Uri("http://127.0.0.1:4317");
                    o.Exporters.Otlp.DiskRetry.Enabled = true;
                    o.Exporters.Otlp.DiskRetry.Directory = Path.Combine(file, "retry");
                }).Start());

            Assert.That(ex!.Message, Does.Contain("AccuScene:Exporters:Otlp:DiskRetry:Directory"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void DecreasingHistogramBoundaries_NameTheInstrumentKey()
    {
        var ex = LoadFails(
            ("AccuScene:Metrics:HistogramBoundaries:accuscene.simulation.step.duration:0", "0.5"),
            ("AccuScene:Metrics:HistogramBoundaries:accuscene.simulation.step.duration:1", "0.1"));

        Assert.That(ex.Message, Does.Contain("AccuScene:Metrics:HistogramBoundaries:accuscene.simulation.step.duration:1 must be finite and greater than the entry before it (the list must be strictly increasing); it is 0.1."));
    }

    [Test]
    public void ValidConfiguration_BindsEverySection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Service:Name"] = "collision-worker",
            ["AccuScene:Service:Environment"] = "staging",
            ["AccuScene:Exporters:Console:Enabled"] = "true",
            ["AccuScene:Exporters:Otlp:Endpoint"] = "http://127.0.0.1:4318",
            ["AccuScene:Exporters:Otlp:Protocol"] = "http/protobuf",
            ["AccuScene:Logging:IncludeScopes"] = "false",
            ["AccuScene:Metrics:ExportIntervalMilliseconds"] = "1000",
            ["AccuScene:Tracing:SamplingRatio"] = "0.25",
            ["AccuScene:Tracing:PropagatedHeaders:x-tenant-id"] = "accuscene.tenant.id",
            ["AccuScene:Metrics:NamePrefix"] = "lab.",
            ["AccuScene:Metrics:CollectRuntime"] = "false",
            ["AccuScene:Metrics:HistogramBoundaries:accuscene.simulation.step.duration:0"] = "0.001",
            ["AccuScene:Metrics:HistogramBoundaries:accuscene.simulation.step.duration:1"] = "0.01",
        }).Build();

        var options = AccuSceneOptionsLoader.Load(configuration, configure: null);

        Assert.Multiple(() =>
        {
            Assert.That(options.Service.Name, Is.EqualTo("collision-worker"));
            Assert.That(options.Service.Environment, Is.EqualTo("staging"));
            Assert.That(options.Exporters.Console.Enabled, Is.True);
            Assert.That(options.Exporters.Otlp.Endpoint, Is.EqualTo(new Uri("http://127.0.0.1:4318")));
            Assert.That(options.Exporters.Otlp.Protocol, Is.EqualTo("http/protobuf"));
            Assert.That(options.Logging.IncludeScopes, Is.False);
            Assert.That(options.Metrics.ExportIntervalMilliseconds, Is.EqualTo(1000));
            Assert.That(options.Tracing.SamplingRatio, Is.EqualTo(0.25));
            Assert.That(options.Tracing.PropagatedHeaders["x-tenant-id"], Is.EqualTo("accuscene.tenant.id"));
            Assert.That(options.Metrics.NamePrefix, Is.EqualTo("lab."));
            Assert.That(options.Metrics.CollectRuntime, Is.False);
            Assert.That(options.Metrics.HistogramBoundaries["accuscene.simulation.step.duration"], Is.EqualTo(new[] { 0.001, 0.01 }));
        });
    }

    [Test]
    public void ServiceCollectionAddAccuScene_RejectsBadConfigurationAtStartUp()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Tracing:SamplingRatio"] = "2" })
            .Build();
        var services = new ServiceCollection();
        services.AddAccuScene(configuration);
        using var provider = services.BuildServiceProvider();

        // Bound lazily: the options are read, and refused, when the container first asks for them (a host's start).
        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AccuSceneOptions>>().Value);

        Assert.That(ex!.Message, Does.Contain("AccuScene:Tracing:SamplingRatio must be between 0 and 1; it is 2."));
    }

    [Test]
    public void CodeConfiguration_IsValidatedToo()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => AccuSceneTelemetrySystem.Create(o => o.Tracing.SamplingRatio = double.NaN));

        Assert.That(ex!.Message, Does.Contain("AccuScene:Tracing:SamplingRatio"));
    }

    [Test]
    public void ValidatorInterface_ReportsFailuresWithoutThrowing()
    {
        var options = new AccuSceneOptions { Metrics = { ExportIntervalMilliseconds = 10 } };

        var result = new AccuSceneOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("AccuScene:Metrics:ExportIntervalMilliseconds"));
    }
    [TestCase("Kind", "9", "Kind must be one of GreaterThan, LessThan, Between, Outside")]
    [TestCase("Aggregation", "9", "Aggregation must be one of LastValue, Rate, Sum, Average")]
    [TestCase("Severity", "9", "Severity must be one of Low, Medium, High, Critical; it is 9")]
    [TestCase("Scope", "9", "Scope must be one of Instance, Fleet; it is 9")]
    public void ANumberNoRuleEnumMemberHas_IsRefusedWithItsKey(string setting, string value, string expected)
    {
        // The binder turns "9" into (AlertThresholdKind)9: such a rule validated and could never fire.
        var ex = LoadFails(
            ("AccuScene:Alerts:Rules:0:Name", "Slow"),
            ("AccuScene:Alerts:Rules:0:Metric", "accuscene.simulation.step.duration"),
            ($"AccuScene:Alerts:Rules:0:{setting}", value));

        Assert.That(ex.Failures, Has.Exactly(1).Contains("AccuScene:Alerts:Rules:0:").And.Contains(expected));
    }

    [Test]
    public void AWebhookFormatNoMemberHas_IsRefusedWithItsKey()
    {
        var ex = LoadFails(("AccuScene:Alerts:Webhooks:0:Url", "https://hooks.example.com/x"), ("AccuScene:Alerts:Webhooks:0:Format", "5"));

        Assert.That(ex.Failures, Has.Exactly(1).Contains("AccuScene:Alerts:Webhooks:0:Format must be one of Json, Slack; it is 5"));
    }

    [Test]
    public void MalformedOtlpHeaders_AreReportedByPosition_WithoutTheirValues()
    {
        var ex = LoadFails(("AccuScene:Exporters:Otlp:Headers", "tenant=lab,api-key: sk-live-123"));

        Assert.That(ex.Failures, Has.Exactly(1).Contains("AccuScene:Exporters:Otlp:Headers").And.Contains("pair 2"));
        Assert.That(ex.Message, Does.Not.Contain("sk-live-123").And.Not.Contain("tenant=lab"));
    }

    [TestCase("AccuScene:Exporters:Otlp:Endpoint", "ftp://user:secret-pw@collector:21/v1?key=secret-q", "'ftp://collector:21' (the rest not shown)")]
    [TestCase("AccuScene:Alerts:Webhooks:0:Url", "hooks.slack.com/services/T0/B0/secret-path", "'hooks.slack.com' (the rest not shown)")]
    [TestCase("AccuScene:Alerts:Alertmanager:Url", "ftp://alertmanager:9093", "'ftp://alertmanager:9093'")]
    [TestCase("AccuScene:Alerts:Webhooks:0:Url", "hooks.example.com/hook?token=secret@x", "'hooks.example.com' (the rest not shown)")]
    [TestCase("AccuScene:Alerts:Webhooks:0:Url", "user:secret@pw@hooks.example.com/x", "'hooks.example.com' (the rest not shown)")]
    public void AnInvalidUrl_IsShownWithoutCredentialsPathOrQuery(string key, string value, string shown)
    {
        var ex = LoadFails((key, value));

        Assert.That(ex.Failures, Has.Exactly(1).Contains(key).And.Contains("must be an absolute http").And.Contains(shown));
        Assert.That(ex.Message, Does.Not.Contain("secret"));
    }
}
