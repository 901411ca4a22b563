using AccuScene.Otel.Diagnostics;
using OpenTelemetry;

namespace AccuScene.Otel.Processing;

/// <summary>
/// Base of every AccuScene processor. OpenTelemetry .NET does not catch exceptions thrown by
/// processors, so this class does: a fault is counted on <c>accuscene.otel.processor.errors</c>, written
/// to the <c>AccuScene-Otel</c> event source, and never reaches the application.
/// </summary>
/// <typeparam name="T">The telemetry item: Activity or LogRecord.</typeparam>
internal abstract class AccuSceneProcessor<T> : BaseProcessor<T>
{
    protected AccuSceneProcessor(string name)
    {
        this.Name = name;
    }

    public string Name { get; }

    public sealed override void OnStart(T data)
    {
        try
        {
            this.OnStartCore(data);
        }
        catch (Exception ex)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed(this.Name, "start", ex);
        }
    }

    public sealed override void OnEnd(T data)
    {
        try
        {
            this.OnEndCore(data);
        }
        catch (Exception ex)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed(this.Name, "end", ex);
        }
    }

    protected virtual void OnStartCore(T data)
    {
    }

    protected virtual void OnEndCore(T data)
    {
    }

    protected sealed override bool OnForceFlush(int timeoutMilliseconds)
    {
        try
        {
            return this.OnForceFlushCore(timeoutMilliseconds);
        }
        catch (Exception ex)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed(this.Name, "flush", ex);
            return false;
        }
    }

    protected sealed override bool OnShutdown(int timeoutMilliseconds)
    {
        try
        {
            return this.OnShutdownCore(timeoutMilliseconds);
        }
        catch (Exception ex)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed(this.Name, "shutdown", ex);
            return false;
        }
    }

    protected virtual bool OnForceFlushCore(int timeoutMilliseconds) => true;

    protected virtual bool OnShutdownCore(int timeoutMilliseconds) => true;
}
