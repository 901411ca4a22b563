using AccuScene.Otel.Metrics;

namespace AccuScene.Otel.Dashboard;

/// <summary>Fills <c>AccuScene:Dashboard:TraceUrlTemplate</c> with an exemplar's ids.</summary>
internal static class DashboardExemplarLink
{
    public static string Fill(string template, string traceId, string spanId) =>
        template.Replace("{trace_id}", traceId, StringComparison.Ordinal).Replace("{span_id}", spanId, StringComparison.Ordinal);

    public static DashboardExemplar? ToModel(ExemplarCandidate? exemplar, string? template)
    {
        if (exemplar is not { } e)
        {
            return null;
        }

        var (traceId, spanId) = (e.TraceId.ToHexString(), e.SpanId.ToHexString());
        return new DashboardExemplar(traceId, spanId, Diagnostics.Figures.Round(e.Value), e.Timestamp, template is null ? null : Fill(template, traceId, spanId));
    }
}
