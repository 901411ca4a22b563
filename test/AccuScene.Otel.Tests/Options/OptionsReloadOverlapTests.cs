using AccuScene.Otel.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AccuScene.Otel.Tests.Options;

/// <summary>Two reloads whose handling overlaps: the newer one wins, and one failure is counted once.</summary>
[NonParallelizable]
public sealed class OptionsReloadOverlapTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task ANewerReload_WinsOverAnOlderOneWhoseListenersAreSlow(CancellationToken cancellationToken)
    {
        var (services, configuration) = Start("first");
        using var disposeServices = services;
        var engine = services.GetRequiredService<AccuSceneAlertEngine>();
        var slowOnce = 1;
        var inSlowListener = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = services.GetRequiredService<IOptionsMonitor<AccuSceneOptions>>().OnChange(_ =>
        {
            // The app's listener takes its time over the first reload only.
            if (Interlocked.Exchange(ref slowOnce, 0) == 1)
            {
                inSlowListener.SetResult();
                Thread.Sleep(1500);
            }
        });

        configuration["AccuScene:Alerts:Rules:0:Name"] = "second";
        var older = OnItsOwnThread(configuration.Reload);
        await inSlowListener.Task.WaitAsync(cancellationToken); // the older reload is built and sits in the slow listener
        configuration["AccuScene:Alerts:Rules:0:Name"] = "third";
        var newer = OnItsOwnThread(configuration.Reload);
        await Task.WhenAll(older, newer).WaitAsync(cancellationToken);

        Assert.That(engine.Rules.Select(r => r.Name), Is.EqualTo(new[] { "third" }), "not the older reload's rules, applied last");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task OneBadValueSeenByTwoOverlappingReloads_IsOneRefusedReload(CancellationToken cancellationToken)
    {
        using var refused = new MetricCollector<long>(null, "AccuScene.Otel", "accuscene.otel.options.reload_failures");
        var (services, configuration) = Start("first");
        using var disposeServices = services;

        // As a file watcher reports one save twice: the second change arrives while the first is being read.
        configuration["AccuScene:Alerts:EvaluationIntervalMilliseconds"] = "1";
        var first = OnItsOwnThread(configuration.Reload);
        await Task.Delay(100, cancellationToken);
        var second = OnItsOwnThread(configuration.Reload);
        await Task.WhenAll(first, second).WaitAsync(cancellationToken);

        Assert.That(refused.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
    }

    [Test]
    public void AChangeRegistration_IsNeverDisposedUnderTheReloadSourcesLock()
    {
        // Disposing a registration waits for its callback when that runs on another thread, and the callback takes
        // the source's lock first: disposing under the lock could hang both threads for good (a rules file set in
        // code being watched at start while an appsettings reload fires).
        var (services, configuration) = Start("first");
        using var disposeServices = services;
        var section = new WatchedSection(configuration.GetSection("AccuScene"));
        var source = new AccuSceneOptionsReloadSource(section, services.GetRequiredService<AccuSceneOptionsFactory>(), services.GetRequiredService<AccuSceneOptionsOffer>(), () => null);
        var gate = (Lock)typeof(AccuSceneOptionsReloadSource).GetField("_gate", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(source)!;
        section.Token.GateHeld = () => gate.IsHeldByCurrentThread;

        // Files in a directory that does not exist: the source then watches the section's token alone, the probe.
        var missing = Path.Combine(Path.GetTempPath(), "accuscene-" + Guid.NewGuid().ToString("N"));
        source.WatchRulesFile(Path.Combine(missing, "a.json"));
        source.WatchRulesFile(Path.Combine(missing, "b.json"));
        source.Dispose();

        Assert.That(section.Token.Disposals, Is.EqualTo(new[] { false, false, false }), "three registrations replaced or dropped, none under the lock");
    }

    private sealed class WatchedSection(IConfigurationSection inner) : IConfigurationSection
    {
        public ProbeToken Token { get; } = new();

        public string Key => inner.Key;

        public string Path => inner.Path;

        public string? Value { get => inner.Value; set => inner.Value = value; }

        public string? this[string key] { get => inner[key]; set => inner[key] = value; }

        public IEnumerable<IConfigurationSection> GetChildren() => inner.GetChildren();

        public IChangeToken GetReloadToken() => this.Token;

        public IConfigurationSection GetSection(string key) => inner.GetSection(key);
    }

    private sealed class ProbeToken : IChangeToken
    {
        public Func<bool> GateHeld { get; set; } = () => false;

        public List<bool> Disposals { get; } = [];

        public bool HasChanged => false;

        public bool ActiveChangeCallbacks => true;

        public IDisposable RegisterChangeCallback(Action<object?> callback, object? state) => new Registration(this);

        private sealed class Registration(ProbeToken token) : IDisposable
        {
            public void Dispose() => token.Disposals.Add(token.GateHeld());
        }
    }

    // A thread of its own: the reload blocks it (the options are read 250 ms after a change), and two of them on a
    // busy thread pool could run one after the other instead of overlapping.
    private static Task OnItsOwnThread(Action action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // A plain configuration root, whose Reload() raises one change (a host's ConfigurationManager raises a cascade
    // of them when two reloads overlap, which would blur what is counted).
    private static (ServiceProvider Services, IConfigurationRoot Configuration) Start(string rule)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AccuScene:Alerts:Rules:0:Name"] = rule,
            ["AccuScene:Alerts:Rules:0:Metric"] = "accuscene.reload.overlap",
            ["AccuScene:Alerts:Rules:0:Threshold"] = "1",
            ["AccuScene:Dashboard:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAccuScene(configuration.GetSection("AccuScene"));
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>(); // the engine comes with the meter provider
        return (provider, configuration);
    }
}
