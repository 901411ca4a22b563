namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>One generated promtool case of a rule.</summary>
/// <param name="Description">What it shows, written above it.</param>
/// <param name="Fires">Whether the rule must fire at <paramref name="EvalTime"/>.</param>
/// <param name="Series">Each instance's series level and growth per window (1 unless a percentage change; see <see cref="RuleTestSeries"/>).</param>
/// <param name="ExpectedValue">The rule's PromQL value at <paramref name="EvalTime"/>, for the alert of the first instance (or of the fleet).</param>
/// <param name="EvalTime">When the alert is checked.</param>
/// <param name="Samples">How many samples each series has.</param>
internal sealed record RuleTestCase(string Description, bool Fires, IReadOnlyList<(double Level, double Growth)> Series, double ExpectedValue, TimeSpan EvalTime, int Samples);

/// <summary>Chooses a rule's quiet and crossing values, the instances and the evaluation time of its promtool cases.</summary>
internal static class RuleTestCases
{
    public static (List<RuleTestCase>? Cases, string? Unsupported) For(AlertRule rule, AlertInstrument instrument)
    {
        var step = RuleTestSeries.Step;
        if (rule.Window < 2 * step || rule.Window.Ticks % step.Ticks != 0)
        {
            return (null, $"its window must be a whole number of seconds, at least 2, for steady test series; it is {PromQlTranslator.Duration(rule.Window)}");
        }

        // Past the first full window (two for a change against the window before), the pending time and any
        // keep_firing_for that an early transient could have started.
        var windows = rule.Kind == AlertThresholdKind.PercentageChange ? 2 : 1;
        var ticks = (rule.Window.Ticks * windows) + rule.For.Ticks + rule.KeepFiringFor.Ticks + (3 * step.Ticks);
        var eval = TimeSpan.FromTicks((ticks + step.Ticks - 1) / step.Ticks * step.Ticks);
        var samples = (int)(eval.Ticks / step.Ticks) + 1;
        var nonNegative = instrument.Kind is AlertInstrumentKind.Counter or AlertInstrumentKind.Histogram;
        var (quiet, fire) = Values(rule, nonNegative);

        var cases = new List<RuleTestCase>();
        var fleet = rule.Scope == AlertScope.Fleet;
        if (quiet is { } q)
        {
            cases.Add(Case(rule, instrument, "stays on the quiet side of the threshold and must not fire", false, [q, q], fleet ? 2 : 1, eval, samples));
        }

        if (fire is { } f)
        {
            var after = rule.For > TimeSpan.Zero ? $" once `for` ({PromQlTranslator.Duration(rule.For)}) has passed" : string.Empty;
            if (fleet)
            {
                cases.Add(Case(rule, instrument, $"two instances together cross the threshold: one fleet alert, without instance{after}", true, [f, f], 2, eval, samples));
            }
            else if (quiet is { } other)
            {
                // Only replica-1 crosses: one alert, for it alone.
                cases.Add(Case(rule, instrument, $"replica-1 crosses the threshold and replica-2 does not: one alert, for replica-1{after}", true, [f, other], 2, eval, samples));
            }
            else
            {
                cases.Add(Case(rule, instrument, $"crosses the threshold and fires{after}", true, [f], 1, eval, samples));
            }
        }

        // Every series must be one RuleTestSeries can write (a histogram percentile needs a level above 0, say).
        var why = cases.SelectMany(c => c.Series).Select(l => RuleTestSeries.For(rule, instrument, "job=\"x\"", l.Level, l.Growth, 2).Unsupported).FirstOrDefault(u => u is not null);
        if (cases.Count == 0 || why is not null)
        {
            return (null, why ?? "no value of its metric can cross its threshold");
        }

        return (cases, null);
    }

    // values[i] is what instance i's own PromQL value would be; a fleet case has every instance at the same value,
    // which the aggregate keeps (averages) or reaches from equal shares (sums).
    private static RuleTestCase Case(AlertRule rule, AlertInstrument instrument, string description, bool fires, double[] values, int instances, TimeSpan eval, int samples)
    {
        var series = new List<(double Level, double Growth)>();
        for (var i = 0; i < instances; i++)
        {
            var value = values[i];
            if (rule.Kind == AlertThresholdKind.PercentageChange)
            {
                // A growth by the same factor per window: the change is the same for the instance and for any aggregate.
                series.Add((10, 1 + (value / 100)));
                continue;
            }

            var sums = rule.Scope == AlertScope.Fleet && instrument.Kind switch
            {
                AlertInstrumentKind.Gauge => false,
                AlertInstrumentKind.Histogram => rule.Kind == AlertThresholdKind.RateLimit || PromQlTranslator.EffectiveAggregation(rule) == AlertAggregation.Sum,
                _ => true,
            };
            series.Add((sums ? value / instances : value, 1));
        }

        return new RuleTestCase(description, fires, series, values[0], eval, samples);
    }

    // A value on each side of the threshold, or null where the metric cannot take one (a negative rate, say).
    private static (double? Quiet, double? Fire) Values(AlertRule rule, bool nonNegative)
    {
        var t = rule.Threshold;
        var u = rule.UpperThreshold ?? t;
        var margin = Math.Max(Math.Max(Math.Abs(u - t), Math.Abs(u)), 1);
        var below = t > 0 ? t / 2 : t - Math.Max(Math.Abs(t), 1);
        var above = t > 0 ? 2 * t : t + Math.Max(Math.Abs(t), 1);
        double? quiet;
        double? fire;
        switch (rule.Kind)
        {
            case AlertThresholdKind.GreaterThan or AlertThresholdKind.RateLimit:
            case AlertThresholdKind.Between when double.IsPositiveInfinity(u): // [t, +Inf]: at least t
                (quiet, fire) = (below, above);
                break;
            case AlertThresholdKind.LessThan:
            case AlertThresholdKind.Outside when double.IsPositiveInfinity(u): // outside [t, +Inf]: under t
                (quiet, fire) = (above, below);
                break;
            case AlertThresholdKind.Between:
                (quiet, fire) = (u + margin, (Math.Max(t, nonNegative ? 0 : t) + u) / 2);
                break;
            case AlertThresholdKind.Outside:
                (quiet, fire) = ((t + u) / 2, u + margin);
                break;
            case AlertThresholdKind.PercentageChange:
                (quiet, fire) = (t / 2, t > 0 ? 2 * t : 10);
                break;
            default:
                return (null, null);
        }

        return (nonNegative && quiet < 0 ? null : quiet, nonNegative && fire < 0 ? null : fire);
    }
}
