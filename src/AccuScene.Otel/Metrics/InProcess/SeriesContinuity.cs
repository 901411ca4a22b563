namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// Whether one export's sums over series (<see cref="PointTotals"/>) compare with the previous export's: the rule
/// the alert rules, the dashboard's metrics and its table rows share. Two totals compare only over the same series:
/// a series that went, came back (an observable callback that skipped it) or turned NaN would otherwise bring its
/// whole total as one interval's increase. The same series are the same count and fingerprint (one gone and another
/// come keeps the count) and the same NaN ones. More series than ever are new ones, not old ones back: a synchronous
/// series counts from zero.
/// </summary>
internal struct SeriesContinuity
{
    private int _series;
    private int _mostSeries;
    private int _nonFinite;
    private ulong _fingerprint;

    /// <summary>
    /// Returns whether <paramref name="now"/> sums the same series as the totals passed before it, and keeps
    /// <paramref name="now"/>'s for the next call. Whether the two exports were consecutive is the caller's to say.
    /// </summary>
    public bool Follow(in PointTotals now)
    {
        var same = now.NonFinite == _nonFinite
            && ((now.Series == _series && now.Fingerprint == _fingerprint) || now.Series > _mostSeries);
        (_series, _nonFinite, _fingerprint) = (now.Series, now.NonFinite, now.Fingerprint);
        _mostSeries = Math.Max(_mostSeries, now.Series);
        return same;
    }
}
