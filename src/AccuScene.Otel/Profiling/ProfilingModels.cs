namespace AccuScene.Otel.Profiling;

/// <summary>
/// The statistics of one scope name in a session. Times are in milliseconds: exact here, and written to JSON with
/// four significant digits.
/// </summary>
/// <param name="Name">The scope name.</param>
/// <param name="Count">How many times it ran.</param>
/// <param name="MeanMs">Mean duration.</param>
/// <param name="MedianMs">Median (within 1%).</param>
/// <param name="P95Ms">95th percentile (within 1%).</param>
/// <param name="P99Ms">99th percentile (within 1%).</param>
/// <param name="MinMs">Shortest run.</param>
/// <param name="MaxMs">Longest run.</param>
/// <param name="StdDevMs">Sample standard deviation.</param>
/// <param name="TotalMs">Sum of all runs.</param>
/// <param name="AllocatedBytes">Bytes allocated on the scope's thread while it ran, summed.</param>
public sealed record ProfilingScopeSummary(
    string Name, long Count, double MeanMs, double MedianMs, double P95Ms, double P99Ms, double MinMs, double MaxMs, double StdDevMs, double TotalMs, long AllocatedBytes);

/// <summary>A session's summary.</summary>
/// <param name="Id">A unique id.</param>
/// <param name="Name">Its name.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="StoppedAt">When it stopped; <see langword="null"/> while running.</param>
/// <param name="DurationMs">Wall-clock time, so far while running.</param>
/// <param name="CpuTimeMs">Process CPU time used meanwhile, so far while running.</param>
/// <param name="Scopes">The scopes, by name.</param>
public sealed record ProfilingSessionSummary(
    string Id, string Name, DateTimeOffset StartedAt, DateTimeOffset? StoppedAt, double DurationMs, double CpuTimeMs, IReadOnlyList<ProfilingScopeSummary> Scopes);

/// <summary>One scope compared between two sessions; ratios are candidate / baseline.</summary>
/// <param name="Name">The scope name.</param>
/// <param name="BaselineMeanMs">Mean in the baseline.</param>
/// <param name="CandidateMeanMs">Mean in the candidate.</param>
/// <param name="MeanRatio">Candidate mean over baseline mean.</param>
/// <param name="BaselineP95Ms">p95 in the baseline.</param>
/// <param name="CandidateP95Ms">p95 in the candidate.</param>
/// <param name="P95Ratio">Candidate p95 over baseline p95.</param>
public sealed record ProfilingScopeComparison(
    string Name, double BaselineMeanMs, double CandidateMeanMs, double MeanRatio, double BaselineP95Ms, double CandidateP95Ms, double P95Ratio);

/// <summary>What <c>GET /profiling</c> returns: the running session and the recent ones, newest first.</summary>
/// <param name="Current">The running session.</param>
/// <param name="Recent">Stopped sessions, newest first.</param>
public sealed record ProfilingReport(ProfilingSessionSummary Current, IReadOnlyList<ProfilingSessionSummary> Recent);
