using System.Diagnostics.Tracing;

namespace AccuScene.Otel.Diagnostics;

/// <summary>
/// Self-diagnostics event source <c>AccuScene-Otel</c>, in the manner of OpenTelemetry's own
/// <c>OpenTelemetry-Sdk</c> source: listen with dotnet-trace or an EventListener.
/// </summary>
[EventSource(Name = "AccuScene-Otel")]
internal sealed class AccuSceneEventSource : EventSource
{
    public static readonly AccuSceneEventSource Log = new();

    [NonEvent]
    public void ProcessorFailed(string processor, string stage, Exception exception)
    {
        if (this.IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            this.ProcessorFailed(processor, stage, exception.ToString());
        }
    }

    [Event(1, Message = "AccuScene processor '{0}' failed in {1} and the error was swallowed: {2}", Level = EventLevel.Error)]
    public void ProcessorFailed(string processor, string stage, string exception) =>
        this.WriteEvent(1, processor, stage, exception);

    [NonEvent]
    public void LogOutputFailed(string output, string reason, long lines, Exception exception)
    {
        if (this.IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            this.LogOutputFailed(output, reason, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{lines} line(s) dropped: {exception.Message}"));
        }
    }

    [Event(2, Message = "AccuScene log output '{0}' failed ({1}): {2}", Level = EventLevel.Warning)]
    public void LogOutputFailed(string output, string reason, string details) =>
        this.WriteEvent(2, output, reason, details);

    [Event(3, Message = "Alert rules read the metric '{0}', which has not been exported yet; they stay inactive until it is.", Level = EventLevel.Warning)]
    public void AlertMetricMissing(string metric) => this.WriteEvent(3, metric);

    [NonEvent]
    public void AlertDeliveryFailed(string channel, int notifications, string reason)
    {
        if (this.IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            this.AlertDeliveryFailed(channel, notifications.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
        }
    }

    [Event(4, Message = "Alert channel '{0}' could not deliver {1} notification(s) after every retry: {2}", Level = EventLevel.Warning)]
    public void AlertDeliveryFailed(string channel, string notifications, string reason) => this.WriteEvent(4, channel, notifications, reason);

    [Event(5, Message = "The final {0} export at host stop did not complete: {1}", Level = EventLevel.Warning)]
    public void FlushFailed(string signal, string reason) => this.WriteEvent(5, signal, reason);

    [Event(6, Message = "A configuration reload was refused and the previous AccuScene options stay in effect: {0}", Level = EventLevel.Warning)]
    public void OptionsReloadRefused(string reason) => this.WriteEvent(6, reason);

    [NonEvent]
    public void AlertDeliveryStopped(string channel, int notifications, string when)
    {
        if (notifications > 0 && this.IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            this.AlertDeliveryStopped(channel, notifications.ToString(System.Globalization.CultureInfo.InvariantCulture), when);
        }
    }

    [Event(7, Message = "Alert channel '{0}' did not deliver {1} notification(s) before the process stopped ({2}).", Level = EventLevel.Warning)]
    public void AlertDeliveryStopped(string channel, string notifications, string when) => this.WriteEvent(7, channel, notifications, when);
}
