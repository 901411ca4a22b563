using System.Diagnostics.Metrics;
using System.Text.Json;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Tests.Logging;

/// <summary>
/// Logger scopes as a record carries them: each key once (the record's value, then the nearest scope's), the
/// scopes that are not key/value pairs listed in one <c>scope</c> attribute, and at most 128 values, counted past it.
/// </summary>
public class ScopeValuesTests
{
    [Test]
    public void NestedScopes_GiveEachKeyOnce_TheNearestValue_AndListThePlainScopesInOrder()
    {
        var attributes = ExportOne(logger =>
        {
            using (logger.BeginScope("Request A"))
            using (logger.BeginScope(new Dictionary<string, object?> { ["OrderId"] = 1, ["tenant"] = "acme", ["User"] = "scope-user" }))
            using (logger.BeginScope("Step 2"))
            using (logger.BeginScope(new Dictionary<string, object?> { ["OrderId"] = 2 }))
            {
                logger.LogInformation("Shipped by {User}", "ada");
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(attributes.GroupBy(a => a.Key).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "attribute keys are unique, as OTLP wants them");
            Assert.That(attributes.Single(a => a.Key == "OrderId").Value, Is.EqualTo(2), "the nearest scope wins");
            Assert.That(attributes.Single(a => a.Key == "User").Value, Is.EqualTo("ada"), "the record's own value wins");
            Assert.That(attributes.Single(a => a.Key == "tenant").Value, Is.EqualTo("acme"));
            Assert.That(attributes.Single(a => a.Key == ScopesAndRedactionProcessor.ScopeAttribute).Value, Is.EqualTo(new[] { "Request A", "Step 2" }));
        });
    }

    [Test]
    public void AScopeOfATemplateWithoutValues_IsListedByItsText_AndOneWithValuesByItsValues()
    {
        var importing = LoggerMessage.DefineScope("Importing batch");
        var order = LoggerMessage.DefineScope<int>("Order {OrderId}");
        var attributes = ExportOne(logger =>
        {
            using (importing(logger))
            using (order(logger, 42))
            {
                logger.LogInformation("Imported");
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(attributes.Single(a => a.Key == ScopesAndRedactionProcessor.ScopeAttribute).Value, Is.EqualTo(new[] { "Importing batch" }));
            Assert.That(attributes.Single(a => a.Key == "OrderId").Value, Is.EqualTo(42));
        });
    }

    [Test]
    public void NestedScopes_InAJsonLine_ShowTheNearestValueAndEveryPlainScope()
    {
        using var capture = new LogCapture("json");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Scopes");
        using (logger.BeginScope("Request A"))
        using (logger.BeginScope(new Dictionary<string, object?> { ["OrderId"] = 1 }))
        using (logger.BeginScope("Step 2"))
        using (logger.BeginScope(new Dictionary<string, object?> { ["OrderId"] = 2 }))
        {
            logger.LogInformation("Shipped");
        }

        using var json = JsonDocument.Parse(capture.Lines.Single());
        var attributes = json.RootElement.GetProperty("attributes");
        Assert.Multiple(() =>
        {
            Assert.That(attributes.GetProperty("OrderId").GetInt32(), Is.EqualTo(2));
            Assert.That(attributes.GetProperty("scope").GetString(), Is.EqualTo("Request A, Step 2"));
        });
    }

    [Test]
    public void ARecordCarriesAtMost128ScopeValues_TheInnermost_AndCountsTheRest()
    {
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.LogScopeValuesDropped);
        var attributes = ExportOne(logger =>
        {
            using (logger.BeginScope(Enumerable.Range(0, 100).ToDictionary(i => $"outer.{i}", i => (object?)i)))
            using (logger.BeginScope(Enumerable.Range(0, 100).ToDictionary(i => $"inner.{i}", i => (object?)i)))
            {
                logger.LogInformation("Deep");
            }
        });

        var scopeKeys = attributes.Select(a => a.Key).Where(k => k.StartsWith("outer.", StringComparison.Ordinal) || k.StartsWith("inner.", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(scopeKeys, Has.Count.EqualTo(ScopesAndRedactionProcessor.MaxScopeValues));
            Assert.That(scopeKeys.Count(k => k.StartsWith("inner.", StringComparison.Ordinal)), Is.EqualTo(100), "the innermost are kept");
            Assert.That(collector.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(200 - ScopesAndRedactionProcessor.MaxScopeValues));
        });
    }

    [Test]
    public void PlainScopes_CountAgainstTheSameBound_TheInnermostKept()
    {
        using var collector = new MetricCollector<long>(AccuSceneSelfDiagnostics.LogScopeValuesDropped);
        var attributes = ExportOne(logger =>
        {
            var scopes = new List<IDisposable?>();
            for (var i = 0; i < 200; i++)
            {
                scopes.Add(logger.BeginScope($"step {i}"));
            }

            using (logger.BeginScope(new Dictionary<string, object?> { ["tenant"] = "acme" }))
            {
                logger.LogInformation("Deep");
            }

            scopes.ForEach(s => s?.Dispose());
        });

        var plain = (string[])attributes.Single(a => a.Key == ScopesAndRedactionProcessor.ScopeAttribute).Value!;
        Assert.Multiple(() =>
        {
            Assert.That(attributes.Single(a => a.Key == "tenant").Value, Is.EqualTo("acme"), "the innermost value is kept");
            Assert.That(plain, Has.Length.EqualTo(ScopesAndRedactionProcessor.MaxScopeValues - 1));
            Assert.That((plain[0], plain[^1]), Is.EqualTo(("step 73", "step 199")), "the innermost plain scopes, outermost first");
            Assert.That(collector.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(201 - ScopesAndRedactionProcessor.MaxScopeValues));
        });
    }

    [Test]
    public void AJsonLine_LeavesOutTheTemplateOfARecordWithout_AndWritesDatesAndWideNumbersAsTheyAre()
    {
        using var capture = new LogCapture("json");
        var logger = capture.Factory.CreateLogger("AccuScene.Tests.Scopes");
        logger.Log(LogLevel.Information, 0, new Dictionary<string, object?> { ["order"] = 1 }, null, (_, _) => "order 1 shipped");
        var at = new DateTimeOffset(2026, 11, 29, 21, 4, 5, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        logger.LogInformation("At {At} on {Day} counted {Big} and {Wide}", at, at.UtcDateTime, Int128.MaxValue, (nint)(-7));

        var lines = capture.Lines;
        using var formatted = JsonDocument.Parse(lines[0]);
        using var typed = JsonDocument.Parse(lines[1]);
        var attributes = typed.RootElement.GetProperty("attributes");
        Assert.Multiple(() =>
        {
            Assert.That(formatted.RootElement.TryGetProperty("template", out _), Is.False, "a formatter's output is no template");
            Assert.That(formatted.RootElement.GetProperty("message").GetString(), Is.EqualTo("order 1 shipped"));
            Assert.That(attributes.GetProperty("At").GetString(), Is.EqualTo("2026-11-29T21:04:05.1234567+02:00"));
            Assert.That(attributes.GetProperty("Day").GetString(), Is.EqualTo("2026-11-29T19:04:05.1234567Z"));
            Assert.That(attributes.GetProperty("Big").GetRawText(), Is.EqualTo(Int128.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(attributes.GetProperty("Wide").GetInt64(), Is.EqualTo(-7));
        });
    }

    private static IReadOnlyList<KeyValuePair<string, object?>> ExportOne(Action<ILogger> log) => ExportedLogRecord.One(log).Attributes;
}
