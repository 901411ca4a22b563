using System.Data.Common;
using AccuScene.Otel;
using AccuScene.Otel.Health;
using AccuScene.Otel.Health.Checks;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// AccuScene extensions of <see cref="IHealthChecksBuilder"/>: checks that name their dependency and
/// schedule, the prebuilt database, cache, memory and liveness checks, and the background scheduler that
/// keeps every registered check's result cached for the probes.
/// </summary>
public static class AccuSceneHealthChecksBuilderExtensions
{
    /// <summary>
    /// Runs every check registered on this builder in the background and caches the results in
    /// <see cref="AccuSceneHealthMonitor"/>. Called by every other method here; call it alone to schedule
    /// checks registered with the standard <c>AddCheck</c> methods.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddHealthChecks()</c>.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddAccuSceneScheduling(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(sp => new AccuSceneHealthMonitor(
            sp.GetRequiredService<IOptions<HealthCheckServiceOptions>>(),
            sp.GetServices<HealthCheckMetadata>(),
            sp.GetService<AccuSceneHealthOptions>() ?? HealthOptionsFromEnvironment.Load(),
            Clock(sp),
            sp.GetService<ILogger<AccuSceneHealthMonitor>>() ?? NullLogger<AccuSceneHealthMonitor>.Instance,
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HealthCheckScheduler>(sp => new HealthCheckScheduler(
            sp.GetRequiredService<HealthCheckService>(),
            sp.GetRequiredService<AccuSceneHealthMonitor>(),
            Clock(sp),
            RunsInAppTraces(sp))));
        return builder;
    }

    /// <summary>Adds a check that covers <paramref name="dependency"/>, in the readiness probe.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The check's name, unique in the service.</param>
    /// <param name="dependency">What it covers; a non-critical failure makes readiness Degraded, not Unhealthy.</param>
    /// <param name="factory">Creates the check.</param>
    /// <param name="schedule">Interval, timeout and thresholds; <c>AccuScene:Health:Checks:&lt;name&gt;</c> overrides it.</param>
    /// <param name="tags">More tags, for example <see cref="HealthTags.Startup"/>.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddDependencyCheck(
        this IHealthChecksBuilder builder,
        string name,
        HealthDependency dependency,
        Func<IServiceProvider, IHealthCheck> factory,
        AccuSceneHealthCheckOptions? schedule = null,
        params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(dependency);
        ArgumentNullException.ThrowIfNull(factory);
        tags ??= [];
        if (tags.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A health check tag must not be null or blank.", nameof(tags));
        }

        schedule = Validated(name, schedule);
        builder.AddAccuSceneScheduling();
        builder.Services.AddSingleton(new HealthCheckMetadata(name, dependency, schedule));
        return builder.Add(new HealthCheckRegistration(name, factory, HealthStatus.Unhealthy, [HealthTags.Ready, .. tags]));
    }

    /// <summary>Adds a database check: opens a connection from the data source and runs <paramref name="query"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="dataSource">
    /// Resolves the ADO.NET data source, once: on the first run, and the same one is used on every later run (a failed
    /// or <see langword="null"/> resolution is tried again). The check does not dispose it. Return a singleton
    /// (<c>AddNpgsqlDataSource</c> registers one) or create one here: a scoped or transient registration is disposed
    /// with the first run's scope, and every later run then fails on the disposed data source.
    /// </param>
    /// <param name="query">The probe query. Default <c>SELECT 1</c>; a blank one is refused here, not on every run.</param>
    /// <param name="critical">Whether readiness fails with it. Default <see langword="true"/>.</param>
    /// <param name="schedule">Interval, timeout and thresholds.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddAccuSceneDatabaseCheck(this IHealthChecksBuilder builder, string name, Func<IServiceProvider, DbDataSource> dataSource, string query = "SELECT 1", bool critical = true, AccuSceneHealthCheckOptions? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var source = new ResolvedOnce<DbDataSource>(dataSource);
        return builder.AddDependencyCheck(name, new HealthDependency(name, "database", critical), sp => new DatabaseHealthCheck(source.Get(sp), query, Clock(sp)), schedule);
    }

    /// <summary>Adds a database check through a connection factory (for providers without a data source).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="connectionFactory">Creates a closed connection from the services.</param>
    /// <param name="query">The probe query. Default <c>SELECT 1</c>; a blank one is refused here, not on every run.</param>
    /// <param name="critical">Whether readiness fails with it. Default <see langword="true"/>.</param>
    /// <param name="schedule">Interval, timeout and thresholds.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddAccuSceneDatabaseCheck(this IHealthChecksBuilder builder, string name, Func<IServiceProvider, DbConnection> connectionFactory, string query = "SELECT 1", bool critical = true, AccuSceneHealthCheckOptions? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        return builder.AddDependencyCheck(name, new HealthDependency(name, "database", critical), sp => new DatabaseHealthCheck(() => connectionFactory(sp), query, Clock(sp)), schedule);
    }

    /// <summary>Adds a set/get/remove round trip through the registered <see cref="IDistributedCache"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The check's name. Default <c>cache</c>.</param>
    /// <param name="critical">Whether readiness fails with it. Default <see langword="true"/>.</param>
    /// <param name="schedule">Interval, timeout and thresholds.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddAccuSceneCacheCheck(this IHealthChecksBuilder builder, string name = "cache", bool critical = true, AccuSceneHealthCheckOptions? schedule = null) =>
        builder.AddDependencyCheck(name, new HealthDependency(name, "cache", critical), sp => new DistributedCacheHealthCheck(sp.GetRequiredService<IDistributedCache>(), Clock(sp)), schedule);

    /// <summary>Adds the GC heap and working-set check.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="degradedBytes">Degraded at or above this many bytes.</param>
    /// <param name="unhealthyBytes">Unhealthy at or above this many bytes.</param>
    /// <param name="name">The check's name. Default <c>memory</c>.</param>
    /// <param name="schedule">Interval, timeout and thresholds.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddAccuSceneMemoryCheck(this IHealthChecksBuilder builder, long degradedBytes, long unhealthyBytes, string name = "memory", AccuSceneHealthCheckOptions? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degradedBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(unhealthyBytes, degradedBytes);
        var check = new MemoryHealthCheck(degradedBytes, unhealthyBytes);
        return builder.AddDependencyCheck(name, new HealthDependency("process memory", "memory", Critical: true), _ => check, schedule);
    }

    // The container's clock (a test's fake), else the system's.
    private static TimeProvider Clock(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;

    // AccuScene:Tracing:IncludeSdkEndpoints, as the SDK's endpoints read it: from the options, else the environment.
    private static bool RunsInAppTraces(IServiceProvider services) =>
        services.GetService<AccuSceneTracingOptions>()?.IncludeSdkEndpoints
            ?? (bool.TryParse(new ConfigurationBuilder().AddEnvironmentVariables().Build()["AccuScene:Tracing:IncludeSdkEndpoints"], out var include) && include);

    // The schedule is checked against the same range attributes as AccuScene:Health:Checks:<name>, and copied so
    // that changing the caller's object after registration changes nothing.
    private static AccuSceneHealthCheckOptions? Validated(string name, AccuSceneHealthCheckOptions? schedule)
    {
        if (schedule is null)
        {
            return null;
        }

        var failures = new List<string>();
        OptionRanges.Collect(schedule, HealthScheduleJsonContext.Default.AccuSceneHealthCheckOptions, "schedule", failures);
        if (failures.Count > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(schedule), $"The schedule of health check '{name}' is out of range: {string.Join(" ", failures)}");
        }

        return new AccuSceneHealthCheckOptions
        {
            Interval = schedule.Interval,
            Timeout = schedule.Timeout,
            FailureThreshold = schedule.FailureThreshold,
            SuccessThreshold = schedule.SuccessThreshold,
        };
    }

    /// <summary>Adds the liveness check (tagged <see cref="HealthTags.Live"/>): the process runs and its thread pool answers.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The check's name. Default <c>process</c>.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddAccuSceneLivenessCheck(this IHealthChecksBuilder builder, string name = "process")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name); // before anything is registered, as AddDependencyCheck does
        builder.AddAccuSceneScheduling();
        builder.Services.AddSingleton(new HealthCheckMetadata(name, new HealthDependency("process", "process", Critical: true), Schedule: null));
        var check = new LivenessHealthCheck();
        return builder.Add(new HealthCheckRegistration(name, _ => check, HealthStatus.Unhealthy, [HealthTags.Live, HealthTags.Ready]));
    }
}
