using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics;

/// <summary>
/// Explicit bucket boundaries, in seconds, for the duration histograms of the domain sets (OpenTelemetry's
/// own default buckets are sized for milliseconds). Options override them per instrument.
/// </summary>
internal static class AccuSceneHistogramViews
{
    // The HTTP and database boundaries are the ones the semantic conventions advise. A step takes microseconds on a
    // small scene and up to a frame or more on a large one.
    private static readonly double[] Http = HistogramBoundaries.HttpRequestDuration;
    private static readonly double[] Database = HistogramBoundaries.DatabaseOperationDuration;
    private static readonly double[] SimulationStep = HistogramBoundaries.MicrosecondToSecond;

    /// <summary>The boundaries in effect: defaults (with the name prefix applied) overridden by options.</summary>
    public static Dictionary<string, double[]> Resolve(AccuSceneMetricsOptions options)
    {
        var prefix = options.NamePrefix ?? "";
        // OpenTelemetry matches a view's instrument name without case: an option that differs in case replaces the
        // default instead of adding a second stream of the same metric.
        var result = new Dictionary<string, double[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["http.server.request.duration"] = Http,
            ["db.client.operation.duration"] = Database,
            [prefix + "accuscene.simulation.step.duration"] = SimulationStep,
        };
        foreach (var (instrument, boundaries) in options.HistogramBoundaries)
        {
            result[instrument] = boundaries;
        }

        return result;
    }

    public static MeterProviderBuilder AddViews(MeterProviderBuilder builder, AccuSceneMetricsOptions options)
    {
        foreach (var (instrument, boundaries) in Resolve(options))
        {
            builder.AddView(instrument, new ExplicitBucketHistogramConfiguration { Boundaries = boundaries });
        }

        return builder;
    }
}
