using Microsoft.Extensions.DependencyInjection;

namespace AccuScene.Otel;

/// <summary>
/// Keeps the two ways of wiring a provider apart on one service collection: <c>services.AddAccuScene()</c> wires
/// traces, metrics and logs, so a builder's own <c>AddAccuScene()</c> on the same services (through
/// <c>ConfigureOpenTelemetryTracerProvider</c> or <c>WithTracing</c>, say) would add every processor and exporter
/// a second time, and export each span twice. Either order throws at registration, naming both calls.
/// </summary>
internal static class BuilderWiringCheck
{
    /// <summary>Called by a builder's <c>AddAccuScene()</c> on the services it configures.</summary>
    /// <param name="services">The builder's services: the app's when the builder is hosted, its own when it is bare.</param>
    /// <param name="entry">The call, as the message names it.</param>
    /// <exception cref="InvalidOperationException"><c>services.AddAccuScene()</c> already wired these services.</exception>
    public static void MarkBuilder(IServiceCollection services, string entry)
    {
        if (services.Any(d => d.ServiceType == typeof(AccuSceneOptionsRegistration)))
        {
            throw new InvalidOperationException(
                $"services.AddAccuScene() already wires traces, metrics and logs on these services; {entry} would add its processors and exporters a second time. Remove {entry}.");
        }

        // One provider per service collection: a second call (a library's ConfigureOpenTelemetryMeterProvider and the
        // app's WithMetrics, say) would add every view, reader, processor and exporter twice.
        if (services.Any(d => d.ServiceType == typeof(BuilderWiring) && d.ImplementationInstance is BuilderWiring { Entry: var earlier } && earlier == entry))
        {
            throw new InvalidOperationException(
                $"{entry} was already called for this provider; a second call would add its views, readers, processors and exporters twice (every span or metric exported twice). Call it once.");
        }

        services.AddSingleton(new BuilderWiring(entry));
    }

    /// <summary>Called by <c>services.AddAccuScene()</c> before it wires anything.</summary>
    /// <exception cref="InvalidOperationException">A builder's <c>AddAccuScene()</c> already wired a provider on these services.</exception>
    public static void ThrowIfBuilderWired(IServiceCollection services)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(BuilderWiring))?.ImplementationInstance is BuilderWiring wiring)
        {
            throw new InvalidOperationException(
                $"{wiring.Entry} already wired a provider on these services; services.AddAccuScene() would add its processors and exporters a second time. Call one of them: services.AddAccuScene() wires traces, metrics and logs.");
        }
    }

    private sealed record BuilderWiring(string Entry);
}
