using System.Reflection;
using AccuScene.Otel.Instrumentation;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Fuzz;

/// <summary>
/// #18, build point 1: every public constructor, method and accessor of the three libraries, found by
/// reflection, is called once with ordinary arguments and then once per hostile value of each parameter, the
/// others ordinary. Whatever the SDK's processors, listeners and readers do with those values runs too: the
/// fixture holds a tracer, meter and logger provider built with <c>AddAccuScene()</c>. The rule
/// (<see cref="FuzzRunner"/>): an argument check before any side effect, or a configuration error naming its
/// key, may throw; nothing else may.
/// </summary>
[NonParallelizable]
public class PublicSurfaceFuzzTests
{
    private System.Diagnostics.DistributedContextPropagator? _propagator;
    private TextMapPropagator? _textMapPropagator;
    private TracerProvider? _tracing;
    private MeterProvider? _metrics;
    private ILoggerFactory? _logging;

    [OneTimeSetUp]
    public void StartTheSdk()
    {
        // The fuzzer calls AccuScenePropagation.Install and the builders, which set process-wide propagators.
        _propagator = System.Diagnostics.DistributedContextPropagator.Current;
        _textMapPropagator = OpenTelemetry.Context.Propagation.Propagators.DefaultTextMapPropagator;
        _tracing = Sdk.CreateTracerProviderBuilder().AddAccuScene().AddSource(FuzzInstances.SourceName).AddInMemoryExporter(new List<System.Diagnostics.Activity>()).Build();
        _metrics = Sdk.CreateMeterProviderBuilder().AddAccuScene().AddMeter(FuzzInstances.SourceName).AddInMemoryExporter(new List<Metric>()).Build();
        _logging = LoggerFactory.Create(b => b.AddAccuScene());
    }

    [OneTimeTearDown]
    public void StopTheSdk()
    {
        _tracing?.Dispose();
        _metrics?.Dispose();
        _logging?.Dispose();
        System.Diagnostics.DistributedContextPropagator.Current = _propagator!;
        Sdk.SetDefaultTextMapPropagator(_textMapPropagator!);
    }

    [Test]
    [CancelAfter(600_000)]
    public async Task EveryPublicMember_ThrowsNothingButArgumentChecks(CancellationToken cancellationToken)
    {
        using var runner = new FuzzRunner();
        var instances = new FuzzInstances();
        var members = PublicSurface.Members().ToList();
        var unreachable = new List<string>();
        foreach (var member in members)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parameters = PublicSurface.ParameterTypes(member);
            if (member.GetParameters().Any(p => p.ParameterType.IsByRefLike) && !PublicSurface.SpanAdapters.ContainsKey(member))
            {
                unreachable.Add($"{PublicSurface.Describe(member)}: a span parameter without an adapter in PublicSurface.SpanAdapters");
                continue;
            }

            await runner.RunAsync(member, this.Ordinary(member, parameters, instances), "ordinary arguments", instances, cancellationToken);
            for (var i = 0; i < parameters.Length; i++)
            {
                foreach (var (label, value) in HostileValues.For(parameters[i], instances))
                {
                    var args = this.Ordinary(member, parameters, instances);
                    args[i] = value;
                    await runner.RunAsync(member, args, $"{member.GetParameters()[i].Name} = {label}", instances, cancellationToken);
                }
            }

            await instances.DisposeAll().WaitAsync(cancellationToken);
        }

        unreachable.AddRange(instances.Unknown.Select(t => $"no ordinary value of {t.FullName}: teach FuzzInstances to make one"));
        TestContext.Out.WriteLine($"R1 fuzz: {members.Count} public members of {PublicSurface.Assemblies.Length} assemblies exercised with {runner.Calls:N0} calls; {runner.Escapes.Count} exceptions escaped.");
        foreach (var escape in runner.Escapes.Take(200))
        {
            TestContext.Out.WriteLine("  " + escape);
        }

        Assert.Multiple(() =>
        {
            Assert.That(unreachable, Is.Empty, "members the fuzzer could not call");
            Assert.That(members, Has.Count.GreaterThan(300), "the reflection found the surface");
            Assert.That(runner.Escapes, Is.Empty, "exceptions that escaped into the caller (listed above)");
        });
    }

    /// <summary>A public method added without handling hostile input makes the fuzzer fail: shown on a stand-in with one such method.</summary>
    [Test]
    [CancelAfter(60_000)]
    public async Task AMemberThatThrowsOnHostileInput_IsCaught(CancellationToken cancellationToken)
    {
        using var runner = new FuzzRunner();
        var instances = new FuzzInstances();
        var careless = typeof(Careless).GetMethod(nameof(Careless.Length))!;
        foreach (var (label, value) in HostileValues.For(typeof(string), instances))
        {
            await runner.RunAsync(careless, [value], label, instances, cancellationToken);
        }

        var checkedMember = typeof(Careful).GetMethod(nameof(Careful.Length))!;
        var before = runner.Escapes.Count;
        foreach (var (label, value) in HostileValues.For(typeof(string), instances))
        {
            await runner.RunAsync(checkedMember, [value], label, instances, cancellationToken);
        }

        Assert.Multiple(() =>
        {
            Assert.That(runner.Escapes, Has.Some.Contains("NullReferenceException"));
            Assert.That(runner.Escapes.Count, Is.EqualTo(before), "an argument check is allowed");
        });
    }

    // Ordinary arguments: the parameter's own default where it has one, a valid document where one is parsed,
    // a logger whose records go through the SDK, else FuzzInstances' ordinary value of the type.
    private object?[] Ordinary(MethodBase member, Type[] types, FuzzInstances instances)
    {
        var parameters = member.GetParameters();
        return [.. types.Select((type, i) =>
            type == typeof(ILogger) ? _logging!.CreateLogger("Fuzz")
            : parameters[i].Name == "json" ? "{\"AccuScene\": {}}"
            : member.Name == "Parse" && type == typeof(string) ? "5s"
            : parameters[i].HasDefaultValue && parameters[i].DefaultValue is { } value && value.GetType() == type ? value
            : instances.Benign(type))];
    }

    private static class Careless
    {
        public static int Length(string text) => text.Length;
    }

    private static class Careful
    {
        public static int Length(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            return text.Length;
        }
    }
}
