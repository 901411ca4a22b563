using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Options;

/// <summary>A value the binder cannot convert fails naming the key, what the option takes with its range, and the value.</summary>
public class UnconvertibleValueTests
{
    [TestCase("AccuScene:Dashboard:MaxStreams", "ten", "AccuScene:Dashboard:MaxStreams must be a whole number between 1 and 1000; it is 'ten'.")]
    [TestCase("AccuScene:Events:MaxBytes", "1GB", "AccuScene:Events:MaxBytes must be a whole number between 1048576 and 1073741824; it is '1GB'.")]
    [TestCase("AccuScene:Tracing:SamplingRatio", "half", "AccuScene:Tracing:SamplingRatio must be a number between 0 and 1; it is 'half'.")]
    [TestCase("AccuScene:Exporters:Console:Enabled", "yes", "AccuScene:Exporters:Console:Enabled must be true or false; it is 'yes'.")]
    [TestCase("AccuScene:Health:Interval", "30s", "AccuScene:Health:Interval must be a duration ([d.]hh:mm:ss[.fff], such as 00:00:30) between 00:00:01 and 01:00:00; it is '30s'.")]
    [TestCase("AccuScene:Alerts:Rules:0:Severity", "Severe", "AccuScene:Alerts:Rules:0:Severity must be one of Low, Medium, High or Critical; it is 'Severe'.")]
    [TestCase("AccuScene:Alerts:Rules:0:For", "1m", "AccuScene:Alerts:Rules:0:For must be a duration ([d.]hh:mm:ss[.fff], such as 00:00:30); it is '1m'.")]
    [TestCase("AccuScene:Logging:LogLevel:Microsoft", "Verbose", "AccuScene:Logging:LogLevel:Microsoft must be one of Trace, Debug, Information, Warning, Error, Critical or None; it is 'Verbose'.")]
    [TestCase("AccuScene:Metrics:HistogramBoundaries:accuscene.x:1", "1ms", "AccuScene:Metrics:HistogramBoundaries:accuscene.x:1 must be a number; it is '1ms'.")]
    [TestCase("AccuScene:Health:Checks:db:FailureThreshold", "three", "AccuScene:Health:Checks:db:FailureThreshold must be a whole number between 1 and 100; it is 'three'.")]
    [TestCase("AccuScene:Tracing:SamplingRatio", "1,5", "AccuScene:Tracing:SamplingRatio must be a number between 0 and 1; it is '1,5'.")]
    [TestCase("AccuScene:Metrics:ExemplarFilter", "Sometimes", "AccuScene:Metrics:ExemplarFilter must be one of AlwaysOff, AlwaysOn or TraceBased; it is 'Sometimes'.")]
    public void TheFacade_NamesTheKeyWhatItTakesAndTheValue(string key, string value, string expected)
    {
        var ex = LoadFails((key, value));

        Assert.That(ex.Failures, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void EveryUnconvertibleValue_IsNamed_NotOnlyTheFirst()
    {
        var ex = LoadFails(
            ("AccuScene:Dashboard:MaxStreams", "ten"), ("AccuScene:Profiling:Spans", "maybe"), ("AccuScene:Service:Name", "orders"), ("AccuScene:Dashboard:MaxTableRows", ""));

        Assert.That(ex.Failures, Is.EquivalentTo(new[]
        {
            "AccuScene:Dashboard:MaxStreams must be a whole number between 1 and 1000; it is 'ten'.",
            "AccuScene:Profiling:Spans must be true or false; it is 'maybe'.",
        }), "an empty value is no value: the binder keeps the default");
    }

    [Test]
    public void ALongValue_IsCut_AndAUrlIsNotShown()
    {
        var longValue = new string('9', 70) + "x";
        var ex = LoadFails(("AccuScene:Dashboard:MaxTableRows", longValue), ("AccuScene:Alerts:Alertmanager:Url", "http://user:secret@[bad"));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Failures, Has.Exactly(1).EqualTo($"AccuScene:Dashboard:MaxTableRows must be a whole number between 1 and 1000; it is '{longValue[..64]}…' (71 characters)."));
            Assert.That(ex.Failures, Has.Exactly(1).StartWith("AccuScene:Alerts:Alertmanager:Url must be a URL; it is something else (not shown"));
            Assert.That(ex.Message, Does.Not.Contain("secret"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task TheHost_FailsItsStartWithTheSameMessage(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AccuScene:Alerts:EvaluationIntervalMilliseconds"] = "2s" });
        builder.Services.AddAccuScene();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(cancellationToken));

        Assert.That(ex!.Failures, Is.EqualTo(new[] { "AccuScene:Alerts:EvaluationIntervalMilliseconds must be a whole number between 500 and 60000; it is '2s'." }));
    }

    [Test]
    public void ARulesFile_NamesTheFileAndTheEntry()
    {
        var (file, ex) = RulesFileFails("""{ "Rules": [ { "Name": "ok", "Metric": "m" }, { "Name": "slow", "Metric": "m", "Threshold": "high" } ] }""");

        Assert.That(ex.Failures, Is.EqualTo(new[] { $"{file}:Rules:1:Threshold must be a number; it is 'high'." }));
    }

    [Test]
    public void AnUnknownKeyInARulesFile_KeepsTheBindersMessageWithTheEntry()
    {
        var (file, ex) = RulesFileFails("""{ "Rules": [ { "Name": "slow", "Metric": "m", "Treshold": 5 } ] }""");

        Assert.That(ex.Failures, Has.Exactly(1).StartWith($"{file}:Rules:0: ").And.Contain("Treshold"));
    }

    [Test]
    public void AnUnknownKeyAndABadValueInARulesFile_AreBothNamed()
    {
        var (file, ex) = RulesFileFails("""{ "Rules": [ { "Name": "slow", "Metric": "m", "Treshold": 5, "Severity": "Severe" } ] }""");

        Assert.That(ex.Failures, Has.Exactly(1).StartWith($"{file}:Rules:0: ").And.Contain("Treshold"));
        Assert.That(ex.Failures, Has.Exactly(1).EqualTo($"{file}:Rules:0:Severity must be one of Low, Medium, High or Critical; it is 'Severe'."));
        Assert.That(ex.Failures.Count(), Is.EqualTo(2));
    }

    private static OptionsValidationException LoadFails(params (string Key, string Value)[] settings) =>
        OptionsValidationTests.LoadFails(settings);

    private static (string File, OptionsValidationException Failure) RulesFileFails(string json)
    {
        var file = Path.Combine(Path.GetTempPath(), $"accuscene-rules-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        try
        {
            return (file, LoadFails(("AccuScene:Alerts:RulesFile", file)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
