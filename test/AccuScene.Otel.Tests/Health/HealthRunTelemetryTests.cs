using System.Diagnostics;
using AccuScene.Otel.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Tests.Health;

/// <summary>
/// The scheduled runs are the SDK's, not the app's traffic: a check's own spans (its HttpClient call, its SELECT 1)
/// are not sampled under a parent-based sampler, unless <c>AccuScene:Tracing:IncludeSdkEndpoints</c> asks for them.
/// </summary>
[NonParallelizable]
public class HealthRunTelemetryTests
{
    private static readonly HealthDependency Search = new("search-api", "http");

    [TestCase(false, false)]
    [TestCase(true, true)]
    public async Task ACheckOwnSpan_IsRecordedOnlyWhenSdkTrafficIsIncluded(bool include, bool recorded)
    {
        using var source = new ActivitySource("AccuScene.Tests.HealthRun");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            // OpenTelemetry's default sampler: parent-based, always on for a root.
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Parent == default || o.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
        };
        ActivitySource.AddActivityListener(listener);
        bool? sampled = null;
        using var health = new HealthHarness(
            b => b.AddDependencyCheck("search", Search, _ => new DelegateCheck(async _ =>
            {
                await Task.Yield();
                using var span = source.StartActivity("GET", ActivityKind.Client);
                sampled = span is { Recorded: true };
                return HealthCheckResult.Healthy();
            })),
            o => o.Tracing.IncludeSdkEndpoints = include);

        await health.RunAsync("search");

        Assert.That(sampled, Is.EqualTo(recorded));
        Assert.That(Activity.Current, Is.Null, "the run leaves no current activity behind");
    }

    private sealed class DelegateCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => check(cancellationToken);
    }
}
