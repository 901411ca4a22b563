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
}
