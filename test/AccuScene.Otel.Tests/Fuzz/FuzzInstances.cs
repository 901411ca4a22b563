using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Health;
using AccuScene.Otel.Health.Checks;
using AccuScene.Otel.Instrumentation.Timing;
using AccuScene.Otel.Profiling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;

namespace AccuScene.Otel.Tests.Fuzz;

/// <summary>
/// Ordinary values for every parameter type of the public surface, and instances to call instance members on.
/// A type it cannot make is reported, so a new public type fails the fuzz test until it is taught here.
/// Everything it makes that needs disposing is disposed by <see cref="DisposeAll"/>.
/// </summary>
internal sealed class FuzzInstances
{
    public const string SourceName = "AccuScene.Fuzz";

    private static readonly ActivitySource Source = new(SourceName);
    private static readonly Meter FuzzMeter = new(SourceName);
    private readonly List<object> _owned = [];
    private readonly Dictionary<Type, Func<object?>> _special;

    public FuzzInstances()
    {
        _special = new()
        {
            [typeof(IServiceCollection)] = () => new ServiceCollection(),
            [typeof(IServiceProvider)] = () => this.Own(new ServiceCollection().BuildServiceProvider()),
            [typeof(IConfiguration)] = () => new ConfigurationBuilder().Build(),
            [typeof(IMeterFactory)] = () => this.Own(new ServiceCollection().AddMetrics().BuildServiceProvider()).GetRequiredService<IMeterFactory>(),
            [typeof(TimeProvider)] = () => TimeProvider.System,
            [typeof(ILogger)] = () => NullLogger.Instance,
            [typeof(ILoggingBuilder)] = () =>
            {
                ILoggingBuilder? captured = null;
                new ServiceCollection().AddLogging(b => captured = b);
                return captured;
            },
            [typeof(IHealthChecksBuilder)] = () => new ServiceCollection().AddHealthChecks(),
            [typeof(IOpenTelemetryBuilder)] = () => new ServiceCollection().AddOpenTelemetry(),
            [typeof(OpenTelemetry.Trace.TracerProviderBuilder)] = Sdk.CreateTracerProviderBuilder,
            [typeof(OpenTelemetry.Metrics.MeterProviderBuilder)] = Sdk.CreateMeterProviderBuilder,
            [typeof(IEndpointRouteBuilder)] = () =>
            {
                // An app as the endpoints need it: MapAccuSceneHealth() refuses an app without health checks (tested apart).
                var builder = WebApplication.CreateSlimBuilder();
                builder.Services.AddHealthChecks().AddAccuSceneLivenessCheck();
                return this.Own(builder.Build());
            },
            [typeof(Stream)] = () => new MemoryStream(),
            [typeof(TextWriter)] = () => new StringWriter(),
            [typeof(Utf8JsonWriter)] = () => this.Own(new Utf8JsonWriter(new MemoryStream())),
            [typeof(Histogram<double>)] = () => FuzzMeter.CreateHistogram<double>("fuzz.duration", "s"),
            [typeof(IDistributedCache)] = () => new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions())),
            [typeof(DbDataSource)] = () => this.Own(new UnreachableDataSource()),
            [typeof(DbConnection)] = () => this.Own(new UnreachableConnection()),
            [typeof(IHealthCheck)] = () => new LivenessHealthCheck(),
            [typeof(HealthCheckContext)] = () => new HealthCheckContext { Registration = new HealthCheckRegistration("fuzz", new LivenessHealthCheck(), null, null) },
            [typeof(Activity)] = () => this.Own(StartActivity()),
            [typeof(Exception)] = () => new InvalidOperationException("fuzz"),
            [typeof(AlertRule)] = () => new AlertRule { Name = "fuzz", Metric = "fuzz.value", Threshold = 1 },
            [typeof(AccuSceneAlertEngine)] = () => new AccuSceneAlertEngine([new AlertRule { Name = "fuzz", Metric = "fuzz.value", Threshold = 1 }]),
            [typeof(AccuSceneDashboard)] = () => new AccuSceneDashboard(new AccuSceneDashboardOptions(), "fuzz"),
            [typeof(AccuSceneTelemetrySystem)] = () => this.Own(AccuSceneTelemetrySystem.Create()),
            [typeof(AccuSceneHealthMonitor)] = () => this.Own(HealthMonitor()),
            [typeof(AccuSceneProfiler)] = () => this.Own(new AccuSceneProfiler()),
            [typeof(ProfilingSession)] = () => this.Own(new AccuSceneProfiler()).CurrentSession,
            [typeof(ProfileScope)] = () => this.Own(new AccuSceneProfiler()).Scope("fuzz"),
            [typeof(LapStopwatch)] = LapStopwatch.StartNew,
            [typeof(ValueTimer)] = () => ValueTimer.Start(),
            [typeof(WebhookAlertChannel)] = () => this.Own(new WebhookAlertChannel(new WebhookChannelOptions { Url = new Uri("http://127.0.0.1:9/") }, "fuzz")),
            [typeof(AlertmanagerAlertChannel)] = () => this.Own(new AlertmanagerAlertChannel(new AlertmanagerChannelOptions { Url = new Uri("http://127.0.0.1:9/") })),
            [typeof(WebhookChannelOptions)] = () => new WebhookChannelOptions { Url = new Uri("http://127.0.0.1:9/") },
            [typeof(AlertmanagerChannelOptions)] = () => new AlertmanagerChannelOptions { Url = new Uri("http://127.0.0.1:9/") },
        };
    }

    /// <summary>Types the factory could not make an ordinary value of.</summary>
    public HashSet<Type> Unknown { get; } = [];

    public static Activity? StartActivity() => Source.StartActivity("fuzz");

    public T Own<T>(T item)
    {
        if (item is IDisposable or IAsyncDisposable or Activity)
        {
            _owned.Add(item);
        }

        return item;
    }

    public async Task DisposeAll()
    {
        foreach (var item in Enumerable.Reverse(_owned))
        {
            switch (item)
            {
                case Activity activity:
                    activity.Stop();
                    break;
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _owned.Clear();
    }

    /// <summary>An ordinary, valid value of <paramref name="type"/>.</summary>
    public object? Benign(Type type, int depth = 0)
    {
        if (_special.TryGetValue(type, out var make))
        {
            return make();
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return this.Benign(underlying, depth);
        }

        if (type == typeof(string))
        {
            return "fuzz";
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return Convert.ChangeType(0.5, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type.IsPrimitive && type != typeof(bool) && type != typeof(char))
        {
            return Convert.ChangeType(1, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(0);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromSeconds(1);
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        }

        if (type == typeof(Uri))
        {
            return new Uri("http://127.0.0.1:9/");
        }

        if (type == typeof(object))
        {
            return "fuzz";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            var args = type.GetGenericArguments();
            return Activator.CreateInstance(type, this.Benign(args[0], depth + 1), this.Benign(args[1], depth + 1));
        }

        if (HostileValues.CollectionElement(type) is { } element)
        {
            return HostileValues.MakeList(type, element, []);
        }

        if (HostileValues.DictionaryTypes(type) is var (key, value))
        {
            return Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value));
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return BenignDelegate(type) ?? this.NotKnown(type);
        }

        if (type.IsValueType)
        {
            return Activator.CreateInstance(type);
        }

        return depth < 4 && Constructor(type) is { } constructor
            ? this.Own(constructor.Invoke([.. constructor.GetParameters().Select(p => p.HasDefaultValue && p.DefaultValue is { } value && value.GetType() == p.ParameterType ? value : this.Benign(p.ParameterType, depth + 1))]))
            : this.NotKnown(type);
    }

    /// <summary>A distinct ordinary value: the i-th string, number or key.</summary>
    public object? Distinct(Type type, int i) =>
        type == typeof(string) ? $"v{i}"
        : type.IsPrimitive && type != typeof(bool) && type != typeof(char) ? Convert.ChangeType(i, type, System.Globalization.CultureInfo.InvariantCulture)
        : type == typeof(object) ? $"v{i}"
        : this.Benign(type);

    /// <summary>For a type of ours with a constructor that takes values: instances built with one hostile constructor argument each.</summary>
    public IEnumerable<(string Label, object? Value)>? HostileBuilt(Type type)
    {
        if (!type.Namespace!.StartsWith("AccuScene", StringComparison.Ordinal) || Constructor(type) is not { } constructor || constructor.GetParameters().Length == 0)
        {
            return null;
        }

        return Built(constructor);

        IEnumerable<(string, object?)> Built(ConstructorInfo constructor)
        {
            var parameters = constructor.GetParameters();
            for (var i = 0; i < parameters.Length; i++)
            {
                foreach (var (label, value) in HostileValues.For(parameters[i].ParameterType, this, nested: true))
                {
                    var args = parameters.Select(p => this.Benign(p.ParameterType, 1)).ToArray();
                    args[i] = value;
                    object? built;
                    try
                    {
                        built = constructor.Invoke(args);
                    }
                    catch (TargetInvocationException)
                    {
                        // The constructor refused the value: it is fuzzed as a member of its own.
                        continue;
                    }

                    yield return ($"{type.Name}({parameters[i].Name}: {label})", this.Own(built));
                }
            }
        }
    }

    // A public constructor, else (a result only the SDK makes, such as an alert or a health report) the internal one
    // the SDK makes it with; never a record's copy constructor.
    private static ConstructorInfo? Constructor(Type type) =>
        type.IsAbstract || type.IsInterface ? null
        : type.GetConstructors().OrderBy(c => c.GetParameters().Length).FirstOrDefault()
            ?? type.GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic)
                .Where(c => c.IsAssembly && !(c.GetParameters() is [var only] && only.ParameterType == type))
                .OrderBy(c => c.GetParameters().Length)
                .FirstOrDefault();

    private static Delegate? BenignDelegate(Type type)
    {
        var invoke = type.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => System.Linq.Expressions.Expression.Parameter(p.ParameterType)).ToArray();
        System.Linq.Expressions.Expression body;
        var returns = invoke.ReturnType;
        if (returns == typeof(void))
        {
            body = System.Linq.Expressions.Expression.Empty();
        }
        else if (returns == typeof(Task))
        {
            body = System.Linq.Expressions.Expression.Constant(Task.CompletedTask);
        }
        else if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(returns.GetGenericArguments()[0]);
            body = System.Linq.Expressions.Expression.Call(result, System.Linq.Expressions.Expression.Default(returns.GetGenericArguments()[0]));
        }
        else if (returns == typeof(DbConnection))
        {
            body = System.Linq.Expressions.Expression.New(typeof(UnreachableConnection));
        }
        else if (returns == typeof(DbDataSource))
        {
            body = System.Linq.Expressions.Expression.New(typeof(UnreachableDataSource));
        }
        else if (returns == typeof(IHealthCheck))
        {
            body = System.Linq.Expressions.Expression.New(typeof(LivenessHealthCheck));
        }
        else
        {
            return null;
        }

        return System.Linq.Expressions.Expression.Lambda(type, body, parameters).Compile();
    }

    private static AccuSceneHealthMonitor HealthMonitor()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddAccuSceneLivenessCheck().AddAccuSceneScheduling();
        return services.BuildServiceProvider().GetRequiredService<AccuSceneHealthMonitor>();
    }

    private object? NotKnown(Type type)
    {
        this.Unknown.Add(type);
        return null;
    }
}
