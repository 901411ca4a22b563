using System.Diagnostics;
using OpenTelemetry;

namespace AccuScene.Otel.Demo.Simulation;

/// <summary>
/// An HTTP client span whose status code its caller expected is not an error. The load generator asks for the
/// results of scenes that may not have been reconstructed yet, so a 404 there is an answer, not a failure:
/// its <c>demo.load.result</c> span says so with <see cref="ExpectedStatusCodeTag"/> (as do a delete, and the
/// worker's load of a scene that may have been deleted since its run was queued), and this processor clears
/// the error status and <c>error.type</c> that .NET sets on every 4xx client span. It runs before the
/// exporters: the demo adds it before <c>AddAccuScene()</c>.
/// </summary>
internal sealed class ExpectedStatusProcessor : BaseProcessor<Activity>
{
    /// <summary>The tag, on the caller's span, that names the status code it expects.</summary>
    public const string ExpectedStatusCodeTag = "demo.expected_status_code";

    public override void OnEnd(Activity data)
    {
        if (data.Kind == ActivityKind.Client
            && data.Status == ActivityStatusCode.Error
            && data.Parent?.GetTagItem(ExpectedStatusCodeTag) is int expected
            && data.GetTagItem("http.response.status_code") is int actual
            && actual == expected)
        {
            data.SetStatus(ActivityStatusCode.Unset);
            data.SetTag("error.type", null);
        }
    }
}
