using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Metrics;

/// <summary>
/// Simulation instruments on the meter <c>AccuScene.Simulation</c>: frame rate, step duration, active
/// simulations, frames and simulated time. See <c>docs/metrics.md</c>.
/// </summary>
public sealed class SimulationMetrics : AccuSceneInstrumentSet
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AccuScene.Simulation";

    private readonly Gauge<double> _framesPerSecond;
    private readonly Histogram<double> _stepDuration;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _frames;
    private readonly Counter<double> _simulatedTime;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The DI meter factory, or <see langword="null"/>.</param>
    /// <param name="namePrefix">Optional prefix for <c>accuscene.*</c> names.</param>
    public SimulationMetrics(IMeterFactory? meterFactory = null, string? namePrefix = null)
        : base(MeterName, meterFactory, namePrefix)
    {
        _framesPerSecond = this.Meter.CreateGauge<double>(this.Name("accuscene.simulation.fps"), "{frame}/s", "Frames simulated per second of wall time.");
        _stepDuration = this.Meter.CreateHistogram<double>(
            this.Name("accuscene.simulation.step.duration"),
            "s",
            "Wall time of one simulation step.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBoundaries.MicrosecondToSecond });
        _active = this.Meter.CreateUpDownCounter<long>(this.Name("accuscene.simulation.active"), "{simulation}", "Simulations running now.");
        _frames = this.Meter.CreateCounter<long>(this.Name("accuscene.simulation.frames"), "{frame}", "Frames (steps) simulated.");
        _simulatedTime = this.Meter.CreateCounter<double>(this.Name("accuscene.simulation.simulated_time"), "s", "Simulated (physical) time advanced.");
    }

    /// <summary>Records one step: its wall-clock duration and the simulated time it advanced.</summary>
    /// <param name="durationSeconds">Wall time of the step in seconds.</param>
    /// <param name="simulatedSeconds">Physical time the step advanced (the timestep).</param>
    public void RecordStep(double durationSeconds, double simulatedSeconds)
    {
        if (this.Accept(durationSeconds, "accuscene.simulation.step.duration"))
        {
            _stepDuration.Record(durationSeconds);
        }

        _frames.Add(1);
        if (this.Accept(simulatedSeconds, "accuscene.simulation.simulated_time"))
        {
            _simulatedTime.Add(simulatedSeconds);
        }
    }

    /// <summary>Records the current frame rate.</summary>
    /// <param name="framesPerSecond">Frames per second of wall time.</param>
    public void RecordFramesPerSecond(double framesPerSecond)
    {
        if (this.Accept(framesPerSecond, "accuscene.simulation.fps"))
        {
            _framesPerSecond.Record(framesPerSecond);
        }
    }

    /// <summary>Marks a simulation as started; pair with <see cref="SimulationEnded"/>.</summary>
    public void SimulationStarted() => _active.Add(1);

    /// <summary>Marks a simulation as ended.</summary>
    public void SimulationEnded() => _active.Add(-1);
}
