namespace AccuScene.Otel.Profiling;

/// <summary>
/// The statistics of one scope name in a session. Times are in milliseconds: exact here, and written to JSON with
/// four significant digits.
/// </summary>
public sealed record ProfilingScopeSummary
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal ProfilingScopeSummary(string name, long count, double meanMs, double medianMs, double p95Ms, double p99Ms, double minMs, double maxMs, double stdDevMs, double totalMs, long allocatedBytes)
    {
        this.Name = name;
        this.Count = count;
        this.MeanMs = meanMs;
        this.MedianMs = medianMs;
        this.P95Ms = p95Ms;
        this.P99Ms = p99Ms;
        this.MinMs = minMs;
        this.MaxMs = maxMs;
        this.StdDevMs = stdDevMs;
        this.TotalMs = totalMs;
        this.AllocatedBytes = allocatedBytes;
    }

    /// <summary>Gets the scope name.</summary>
    public string Name { get; init; }

    /// <summary>Gets how many times it ran.</summary>
    public long Count { get; init; }

    /// <summary>Gets the mean duration.</summary>
    public double MeanMs { get; init; }

    /// <summary>Gets the median (within 1%).</summary>
    public double MedianMs { get; init; }

    /// <summary>Gets the 95th percentile (within 1%).</summary>
    public double P95Ms { get; init; }

    /// <summary>Gets the 99th percentile (within 1%).</summary>
    public double P99Ms { get; init; }

    /// <summary>Gets the shortest run.</summary>
    public double MinMs { get; init; }

    /// <summary>Gets the longest run.</summary>
    public double MaxMs { get; init; }

    /// <summary>Gets the sample standard deviation.</summary>
    public double StdDevMs { get; init; }

    /// <summary>Gets the sum of all runs.</summary>
    public double TotalMs { get; init; }

    /// <summary>Gets the bytes allocated on the scope's thread while it ran, summed.</summary>
    public long AllocatedBytes { get; init; }
}

/// <summary>A session's summary.</summary>
public sealed record ProfilingSessionSummary
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal ProfilingSessionSummary(string id, string name, DateTimeOffset startedAt, DateTimeOffset? stoppedAt, double durationMs, double cpuTimeMs, IReadOnlyList<ProfilingScopeSummary> scopes)
    {
        this.Id = id;
        this.Name = name;
        this.StartedAt = startedAt;
        this.StoppedAt = stoppedAt;
        this.DurationMs = durationMs;
        this.CpuTimeMs = cpuTimeMs;
        this.Scopes = scopes;
    }

    /// <summary>Gets a unique id.</summary>
    public string Id { get; init; }

    /// <summary>Gets its name.</summary>
    public string Name { get; init; }

    /// <summary>Gets when it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when it stopped; <see langword="null"/> while running.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>Gets the wall-clock time, so far while running.</summary>
    public double DurationMs { get; init; }

    /// <summary>Gets the process CPU time used meanwhile, so far while running.</summary>
    public double CpuTimeMs { get; init; }

    /// <summary>Gets the scopes, by name.</summary>
    public IReadOnlyList<ProfilingScopeSummary> Scopes { get; init; }
}

/// <summary>One scope compared between two sessions; ratios are candidate / baseline.</summary>
public sealed record ProfilingScopeComparison
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal ProfilingScopeComparison(string name, double baselineMeanMs, double candidateMeanMs, double meanRatio, double baselineP95Ms, double candidateP95Ms, double p95Ratio)
    {
        this.Name = name;
        this.BaselineMeanMs = baselineMeanMs;
        this.CandidateMeanMs = candidateMeanMs;
        this.MeanRatio = meanRatio;
        this.BaselineP95Ms = baselineP95Ms;
        this.CandidateP95Ms = candidateP95Ms;
        this.P95Ratio = p95Ratio;
    }

    /// <summary>Gets the scope name.</summary>
    public string Name { get; init; }

    /// <summary>Gets the mean in the baseline.</summary>
    public double BaselineMeanMs { get; init; }

    /// <summary>Gets the mean in the candidate.</summary>
    public double CandidateMeanMs { get; init; }

    /// <summary>Gets the candidate mean over the baseline mean.</summary>
    public double MeanRatio { get; init; }

    /// <summary>Gets the p95 in the baseline.</summary>
    public double BaselineP95Ms { get; init; }

    /// <summary>Gets the p95 in the candidate.</summary>
    public double CandidateP95Ms { get; init; }

    /// <summary>Gets the candidate p95 over the baseline p95.</summary>
    public double P95Ratio { get; init; }
}

/// <summary>What <c>GET /profiling</c> returns: the running session and the recent ones, newest first.</summary>
public sealed record ProfilingReport
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal ProfilingReport(ProfilingSessionSummary current, IReadOnlyList<ProfilingSessionSummary> recent)
    {
        this.Current = current;
        this.Recent = recent;
    }

    /// <summary>Gets the running session.</summary>
    public ProfilingSessionSummary Current { get; init; }

    /// <summary>Gets the stopped sessions, newest first.</summary>
    public IReadOnlyList<ProfilingSessionSummary> Recent { get; init; }
}
