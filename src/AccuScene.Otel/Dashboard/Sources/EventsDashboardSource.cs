using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Events;
using AccuScene.Otel.Instrumentation.Events;

namespace AccuScene.Otel.Dashboard.Sources;

/// <summary>The dashboard's recent events: the newest of severity info and above from the event store, if there is one.</summary>
internal sealed class EventsDashboardSource(AccuSceneEventStore? store) : IDashboardEventsSource
{
    public DashboardEventsSection Read(int limit)
    {
        if (store is null)
        {
            return new DashboardEventsSection([]);
        }

        return new DashboardEventsSection([.. store.Recent(limit, AccuSceneEventSeverity.Info).Select(e => new DashboardEvent(e.Timestamp, e.Severity.ToString().ToLowerInvariant(), e.Category, e.Name, e.Message))]);
    }
}
