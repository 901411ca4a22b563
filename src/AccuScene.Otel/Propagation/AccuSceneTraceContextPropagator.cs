using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Propagation;

/// <summary>
/// OpenTelemetry's side of <c>traceparent</c> and <c>tracestate</c>, read by the same rules as the
/// <see cref="DistributedContextPropagator"/> ASP.NET Core and HttpClient use (<see cref="AccuSceneDistributedContextPropagator"/>).
/// OpenTelemetry's ASP.NET Core instrumentation extracts the request's context again through this propagator
/// and, when it differs from the context ASP.NET Core gave the request's activity, starts a second server activity
/// in its place. With OpenTelemetry's own <see cref="TraceContextPropagator"/>, any header the two read apart (a
/// tracestate over 512 characters, which AccuScene drops; one of 33 members or more, which .NET cuts to 32 and
/// OpenTelemetry refuses) made that second activity: it escaped the SDK endpoints' exclusion from the app's
/// telemetry, carried no Activity baggage (so no scene id), and kept the tracestate AccuScene had dropped.
/// Injection is OpenTelemetry's. Rejections are counted once, by the System.Diagnostics side.
/// </summary>
internal sealed class AccuSceneTraceContextPropagator(AccuSceneDistributedContextPropagator rules) : TextMapPropagator
{
    private static readonly TraceContextPropagator W3C = new();

    public override ISet<string> Fields => W3C.Fields;

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter) =>
        W3C.Inject(context, carrier, setter);

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        // A context already read (by a propagator before this one) is kept, as OpenTelemetry's own does.
        if (context.ActivityContext.TraceId != default || getter is not { } read)
        {
            return context;
        }

        rules.ExtractTraceContext(new Carrier<T>(carrier, read), Carrier<T>.Read, count: false, out var parent, out var state);
        return parent is not null && ActivityContext.TryParse(parent, state, isRemote: true, out var extracted)
            ? new PropagationContext(extracted, context.Baggage)
            : context;
    }

    // A header sent several times reads as its values joined by commas, as ASP.NET Core's own getter reads it.
    private sealed class Carrier<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        private T Value => carrier;

        private Func<T, string, IEnumerable<string>?> Getter => getter;

        public static readonly DistributedContextPropagator.PropagatorGetterCallback Read = static (object? state, string name, out string? value, out IEnumerable<string>? values) =>
        {
            var self = (Carrier<T>)state!;
            values = null;
            value = self.Getter(self.Value, name) is { } all ? string.Join(',', all) : null;
            if (value?.Length == 0)
            {
                value = null;
            }
        };
    }
}
