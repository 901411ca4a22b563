using System.Text.RegularExpressions;

namespace AccuScene.Otel.Tracing;

/// <summary>Validation of <c>AccuScene:Tracing</c>: the extra propagated headers.</summary>
internal static partial class TracingOptionsValidation
{
    /// <summary>The largest number of extra propagated headers.</summary>
    public const int MaxPropagatedHeaders = 16;

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "traceparent", "tracestate", "baggage", "correlation-context", "request-id",
        "x-accuscene-scene-id", "x-accuscene-session-id",
    };

    public static void Validate(AccuSceneTracingOptions tracing, string root, List<string> failures)
    {
        if (tracing.PropagatedHeaders.Count > MaxPropagatedHeaders)
        {
            failures.Add($"{root}:Tracing:PropagatedHeaders must have at most {MaxPropagatedHeaders} entries; it has {tracing.PropagatedHeaders.Count}.");
        }

        foreach (var (header, attribute) in tracing.PropagatedHeaders)
        {
            if (ReservedHeaders.Contains(header))
            {
                failures.Add($"{root}:Tracing:PropagatedHeaders:{header} must not be a W3C, legacy or built-in AccuScene header name.");
            }
            else if (!HeaderName().IsMatch(header))
            {
                failures.Add($"{root}:Tracing:PropagatedHeaders:{header} must be a lower-case header name of letters, digits and '-', 1 to 64 characters.");
            }

            if (attribute is null || attribute.Length > 128 || !AttributeName().IsMatch(attribute))
            {
                failures.Add($"{root}:Tracing:PropagatedHeaders:{header} must map to a dotted lower-case attribute name such as 'accuscene.tenant.id', 1 to 128 characters; it is '{attribute}'.");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$")]
    private static partial Regex AttributeName();
}
