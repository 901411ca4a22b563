using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Instrumentation.Events;

namespace AccuScene.Otel.Events;

/// <summary>The dashboard's recent events: the newest of severity info and above from the event store.</summary>
internal sealed class EventsDashboardSource(AccuSceneEventStore store) : IDashboardEventsSource
{
    public DashboardEventsSection Read(int limit)
    {
        var page = store.Query(new AccuSceneEventQuery(MinimumSeverity: AccuSceneEventSeverity.Info, Limit: limit));
        return new DashboardEventsSection([.. page.Events.Select(e => new DashboardEvent(e.Timestamp, e.Severity.ToString().ToLowerInvariant(), e.Category, e.Name, e.Message))]);
    }
}
