using AccuScene.Otel.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Health;

/// <summary>Health checks on a <see cref="FakeTimeProvider"/>, with the scheduler driven one run at a time.</summary>
internal sealed class HealthHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public HealthHarness(Action<IHealthChecksBuilder> register, Action<AccuSceneOptions>? configure = null)
    {
        var options = new AccuSceneOptions();
        options.Health.FailureThreshold = 3;
        options.Health.SuccessThreshold = 2;
        options.Health.Timeout = TimeSpan.FromSeconds(1);
        configure?.Invoke(options);
        var services = new ServiceCollection();
        services.AddSingleton(options.Health); // what AddAccuScene() registers for the health feature
        services.AddSingleton(options.Tracing);
        services.AddSingleton<TimeProvider>(this.Time);
        services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(this.Logs)));
        services.AddMetrics();
        register(services.AddHealthChecks());
        _services = services.BuildServiceProvider();
        this.Monitor = _services.GetRequiredService<AccuSceneHealthMonitor>();
        this.Scheduler = _services.GetServices<IHostedService>().OfType<HealthCheckScheduler>().Single();
    }

    public CountingTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public FakeLogCollector Logs { get; } = new();

    public AccuSceneHealthMonitor Monitor { get; }

    public HealthCheckScheduler Scheduler { get; }

    public IServiceProvider Services => _services;

    public HealthCheckState State(string name) => this.Monitor.States.Single(s => s.Name == name);

    public Task RunAsync(string name) => this.Scheduler.RunOnceAsync(this.State(name), CancellationToken.None);

    public async Task RunAsync(string name, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await this.RunAsync(name);
        }
    }

    public void Dispose() => _services.Dispose();
}

/// <summary>A fake clock that counts the timers created per due time, so a test can advance once a loop waits.</summary>
internal sealed class CountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TimeSpan, int> _timers = new();

    public int TimersDue(TimeSpan dueTime) => _timers.GetValueOrDefault(dueTime);

    /// <summary>Gets or sets how far the wall clock is stepped from the monotonic one (an NTP correction, a VM resumed).</summary>
    public TimeSpan WallClockStep { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + this.WallClockStep;

    // The monotonic clock is the fake's own time, whatever the wall clock says.
    public override long GetTimestamp() => base.GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.AddOrUpdate(dueTime, 1, (_, count) => count + 1);
        return timer;
    }
}

/// <summary>A check that returns the statuses it is given, in order, then the last one forever.</summary>
internal sealed class ScriptedCheck(params HealthStatus[] script) : IHealthCheck
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public HealthStatus Next { get; set; } = script.Length > 0 ? script[^1] : HealthStatus.Healthy;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls) - 1;
        var status = call < script.Length ? script[call] : this.Next;
        return Task.FromResult(new HealthCheckResult(status, $"run {call + 1}: {status}"));
    }
}
