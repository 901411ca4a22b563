using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel.Tests.Fuzz;

/// <summary>
/// Calls one member with one set of arguments on a thread-pool thread of its own (so an ambient
/// <see cref="Activity.Current"/> or AsyncLocal it sets does not leak into the next call), waits for a task it
/// returns, disposes what it returns, and judges what happened against the rule of the SDK:
/// <list type="bullet">
/// <item>returning normally is fine;</item>
/// <item>an <see cref="ArgumentException"/> (or subclass) thrown by the member's own type (or an options
/// validator) that names one of the member's parameters, or an option key, is an argument check; it is fine
/// only if nothing was left started (no unstopped activity, the ambient activity unchanged);</item>
/// <item>an <see cref="OptionsValidationException"/> that names an <c>AccuScene:</c> key is a configuration error;</item>
/// <item>a <see cref="FormatException"/> from a <c>Parse</c> method is its contract (the <c>TryParse</c> beside it does not throw);</item>
/// <item>an <see cref="HttpRequestException"/> from an alert channel's <c>DeliverAsync</c> is its contract: the SDK's
/// delivery worker calls it, catches the failure, retries and counts it (nothing here listens on 127.0.0.1:9);</item>
/// <item>anything else, or a call that does not finish in 10 s, escaped into the app.</item>
/// </list>
/// </summary>
internal sealed class FuzzRunner : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    // Flows into the awaited continuations of the call, and stays inside the Task.Run of that call.
    private static readonly AsyncLocal<System.Collections.Concurrent.ConcurrentQueue<Activity>?> Started = new();

    private readonly ActivityListener _listener;

    public FuzzRunner()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => Started.Value?.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Calls { get; private set; }

    public List<string> Escapes { get; } = [];

    public void Dispose() => _listener.Dispose();

    public async Task RunAsync(MethodBase member, object?[] args, string label, FuzzInstances instances, CancellationToken cancellationToken)
    {
        this.Calls++;

        // A member that hangs is left behind when the test's time is up, rather than holding the run.
        var verdict = await Task.Run(() => this.CallAsync(member, args, instances), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (verdict is not null)
        {
            this.Escapes.Add($"{PublicSurface.Describe(member)} with {label}: {verdict}");
        }
    }

    // An argument check is the member's own: the SDK frame nearest the throw is the member (or code of its own
    // type, such as a validation helper or an async state machine), and the exception names one of its parameters
    // or an AccuScene: option key. An ArgumentException from deep inside the BCL or another SDK type is not.
    private static bool IsArgumentCheck(ArgumentException exception, MethodBase member)
    {
        var name = exception.ParamName ?? string.Empty;
        var named = member.GetParameters().Any(p => name == p.Name || name.StartsWith(p.Name + ".", StringComparison.Ordinal))
            || name.StartsWith("AccuScene:", StringComparison.Ordinal)
            || exception.Message.Contains("AccuScene:", StringComparison.Ordinal);
        var thrower = new StackTrace(exception).GetFrames()
            .Select(f => f.GetMethod()?.DeclaringType)
            .FirstOrDefault(t => t is not null && (PublicSurface.Assemblies.Contains(t.Assembly) || t.Assembly == member.DeclaringType!.Assembly));
        return named && (thrower is null ? member is ConstructorInfo { DeclaringType.IsValueType: false } : Owns(member.DeclaringType!, thrower));
    }

    private static bool Owns(Type declaring, Type thrower)
    {
        for (var type = thrower; type is not null; type = type.DeclaringType)
        {
            // The member's type, a base class whose constructor it chains to, or an options validator.
            if (type.IsAssignableFrom(declaring) || type.Name.EndsWith("Validator", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Short(Exception exception)
    {
        string message;
        try
        {
            message = exception.Message;
        }
        catch (Exception inner)
        {
            message = $"(its Message threw {inner.GetType().Name})";
        }

        var frame = new StackTrace(exception, fNeedFileInfo: true).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("AccuScene.Otel", StringComparison.Ordinal) == true && f.GetMethod()?.DeclaringType?.Namespace?.Contains("Tests", StringComparison.Ordinal) != true);
        var where = frame is null ? string.Empty : $" at {frame.GetMethod()!.DeclaringType!.Name}.{frame.GetMethod()!.Name}:{frame.GetFileLineNumber()}";
        return $"{exception.GetType().Name}: {(message.Length > 160 ? message[..160] + "…" : message)}{where}";
    }

    private async Task<string?> CallAsync(MethodBase member, object?[] args, FuzzInstances instances)
    {
        var before = Activity.Current;
        var started = Started.Value = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        Exception? thrown = null;
        object? result = null;
        try
        {
            var target = member.IsStatic || member is ConstructorInfo ? null : instances.Benign(PublicSurface.InstanceType(member.DeclaringType!));
            result = PublicSurface.SpanAdapters.TryGetValue(member, out var adapter) ? adapter(args)
                : member is ConstructorInfo constructor ? constructor.Invoke(args)
                : member.Invoke(target, args);
            switch (result)
            {
                case Task task:
                    await task.WaitAsync(CallTimeout).ConfigureAwait(false);
                    break;
                case ValueTask valueTask:
                    await valueTask.AsTask().WaitAsync(CallTimeout).ConfigureAwait(false);
                    break;
            }
        }
        catch (TargetInvocationException invocation) when (invocation.InnerException is { } inner)
        {
            thrown = inner;
        }
        catch (TimeoutException)
        {
            return "did not finish in 10 s";
        }
        catch (Exception exception)
        {
            thrown = exception;
        }

        var ambientChanged = !ReferenceEquals(Activity.Current, before);
        try
        {
            // What a property returns is shared (the static ActivitySource), not the caller's to dispose.
            if (!member.Name.StartsWith("get_", StringComparison.Ordinal))
            {
                Cleanup(result);
            }
        }
        catch (Exception exception)
        {
            return "disposing what it returned threw " + Short(exception);
        }

        var leaked = started.Where(a => !a.IsStopped && a.Source.Name != FuzzInstances.SourceName).Select(a => a.OperationName).ToList();
        foreach (var activity in started)
        {
            activity.Stop();
        }

        Started.Value = null;
        Activity.Current = before;
        return thrown switch
        {
            null => leaked.Count > 0 ? $"left started: {string.Join(", ", leaked)}" : null,
            ArgumentException argument when IsArgumentCheck(argument, member) =>
                leaked.Count > 0 || ambientChanged ? $"threw {argument.GetType().Name} after starting {string.Join(", ", leaked)}" : null,
            OptionsValidationException options when options.Message.Contains("AccuScene:", StringComparison.Ordinal) => null,
            FormatException when member.Name == "Parse" => null,
            HttpRequestException when member.Name == "DeliverAsync" && typeof(AccuScene.Otel.Alerts.Notifications.IAlertChannel).IsAssignableFrom(member.DeclaringType) => null,
            _ => Short(thrown),
        };
    }

    private static void Cleanup(object? result)
    {
        switch (result)
        {
            case Activity activity:
                activity.Stop();
                break;
            case IAsyncDisposable asyncDisposable:
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
