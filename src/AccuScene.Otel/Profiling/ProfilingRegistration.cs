using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AccuScene.Otel.Profiling;

/// <summary>Registers the profiler, on a meter of the container's meter factory.</summary>
internal static class ProfilingRegistration
{
    public static void Add(IServiceCollection services, Func<IServiceProvider, AccuSceneProfilingOptions> profiling) =>
        services.TryAddSingleton(sp => new AccuSceneProfiler(sp.GetService<IMeterFactory>(), sp.GetService<TimeProvider>(), profiling(sp)));
}
