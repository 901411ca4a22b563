using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccuScene.Otel.Instrumentation;

namespace AccuScene.Otel.Diagnostics;

/// <summary>
/// The SDK's own health: every swallowed processor fault and every rejected input is counted here, on
/// the meter <see cref="MeterName"/>, which <c>AddAccuScene()</c> collects like any other AccuScene meter.
/// </summary>
internal static class AccuSceneSelfDiagnostics
{
    public const string MeterName = AccuSceneTelemetry.SourceNamePrefix + "Otel";

    public const string ProcessorErrorsName = "accuscene.otel.processor.errors";

    public const string PropagationRejectedName = "accuscene.otel.propagation.rejected";

    public static readonly Meter Meter = new(MeterName, AccuSceneTelemetry.Version);

    /// <summary>Exceptions thrown inside AccuScene processors and swallowed; tags <c>processor</c>, <c>stage</c>.</summary>
    public static readonly Counter<long> ProcessorErrors = Meter.CreateCounter<long>(
        ProcessorErrorsName, unit: "{error}", description: "Exceptions caught inside AccuScene processors instead of reaching the application.");

    /// <summary>Malformed or oversized incoming values that were dropped; tag <c>field</c>.</summary>
    public static readonly Counter<long> PropagationRejected = Meter.CreateCounter<long>(
        PropagationRejectedName, unit: "{value}", description: "Propagation values dropped because they were malformed or too large.");

    // Counter.Add runs MeterListener callbacks synchronously, so even counting can throw; a failure to
    // report a failure is dropped rather than thrown into the application.
    public static void ProcessorFailed(string processor, string stage, Exception exception)
    {
        try
        {
            ProcessorErrors.Add(1, new TagList { { "processor", processor }, { "stage", stage } });
            AccuSceneEventSource.Log.ProcessorFailed(processor, stage, exception);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }

    public static void Rejected(string field)
    {
        try
        {
            PropagationRejected.Add(1, new KeyValuePair<string, object?>("field", field));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing left to report to.
        }
    }
}
