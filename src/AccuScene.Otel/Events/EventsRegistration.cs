using System.Diagnostics;
using AccuScene.Otel.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Events;

/// <summary>
/// Registers the events feature: its store in the container, and the capture processors the composition adds to
/// the logger and tracer providers (after redaction, so captured events are masked too).
/// </summary>
internal static class EventsRegistration
{
    public static void Add(IServiceCollection services, Func<IServiceProvider, AccuSceneEventsOptions> events) =>
        services.TryAddSingleton(sp => new AccuSceneEventStore(events(sp)));

    /// <summary>The log processor that captures events, or <see langword="null"/> when events are off.</summary>
    public static BaseProcessor<LogRecord>? LogProcessor(IServiceProvider services, AccuSceneEventsOptions events) =>
        events.Enabled ? new EventCaptureLogProcessor(StoreOf(services, events), events.MinimumLevel) : null;

    /// <summary>The span processor that captures span events and exceptions, or <see langword="null"/> when events are off.</summary>
    public static BaseProcessor<Activity>? ActivityProcessor(IServiceProvider services, AccuSceneEventsOptions events, Redactor redactor) =>
        events.Enabled ? new EventCaptureActivityProcessor(StoreOf(services, events), redactor) : null;

    // The container's store, else the process-wide one that bare builders and the facade share.
    private static AccuSceneEventStore StoreOf(IServiceProvider services, AccuSceneEventsOptions events) =>
        services.GetService<AccuSceneEventStore>() ?? AccuSceneEventStore.GetShared(events);
}
