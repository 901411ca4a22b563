using System.Diagnostics;

namespace AccuScene.Otel.Tests.Tracing;

/// <summary>An activity listener that samples every activity of one source, so measurements made inside them can become exemplars.</summary>
internal static class SampledSource
{
    public static ActivityListener Listen(string source)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
