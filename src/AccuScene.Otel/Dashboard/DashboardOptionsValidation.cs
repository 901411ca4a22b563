using System.Globalization;
using AccuScene.Otel.Dashboard;

namespace AccuScene.Otel.Dashboard;

/// <summary>Validation of <c>AccuScene:Dashboard</c>: its title, trace links and widgets.</summary>
internal static class DashboardOptionsValidation
{
    /// <summary>The most series a widget may show.</summary>
    internal const int MaxWidgetSeries = 8;

    public static void Validate(AccuSceneDashboardOptions dashboard, string root, List<string> failures)
    {
        var key = $"{root}:Dashboard";
        if (string.IsNullOrWhiteSpace(dashboard.Title) || dashboard.Title.Length > 100)
        {
            failures.Add($"{key}:Title must be 1 to 100 characters; it is '{dashboard.Title}'.");
        }

        if (dashboard.TraceUrlTemplate is { } template
            && (template.Length > 2048 || !template.Contains("{trace_id}", StringComparison.Ordinal)
                || !Uri.TryCreate(DashboardExemplarLink.Fill(template, "0", "0"), UriKind.Absolute, out var link)
                || !OptionChecks.IsHttpUrl(link)))
        {
            failures.Add($"{key}:TraceUrlTemplate must be an absolute http or https URL of at most 2048 characters containing {{trace_id}}; it is '{template}'.");
        }

        if (dashboard.Widgets.Count > 64)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Widgets may hold at most 64 widgets; it holds {dashboard.Widgets.Count}."));
        }

        for (var i = 0; i < dashboard.Widgets.Count; i++)
        {
            ValidateWidget(dashboard.Widgets[i], string.Create(CultureInfo.InvariantCulture, $"{key}:Widgets:{i}"), failures);
        }
    }

    private static void ValidateWidget(DashboardWidget widget, string key, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(widget.Title) || widget.Title.Length > 100)
        {
            failures.Add($"{key}:Title must be 1 to 100 characters; it is '{widget.Title}'.");
        }

        if (!Enum.IsDefined(widget.Type))
        {
            failures.Add($"{key}:Type must be one of Line, Stat, Table, Health, Alerts or Events; it is {widget.Type}.");
            return;
        }

        var needsSeries = widget.Type is DashboardWidgetType.Line or DashboardWidgetType.Stat or DashboardWidgetType.Table;
        if (needsSeries && widget.Series.Count is < 1 or > MaxWidgetSeries)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:Series must hold 1 to {MaxWidgetSeries} series for a {widget.Type} widget; it holds {widget.Series.Count}."));
        }
        else if (!needsSeries && widget.Series.Count > 0)
        {
            failures.Add($"{key}:Series must be empty for a {widget.Type} widget, which shows its own data.");
        }

        if (widget.GroupBy is not null && (widget.Type != DashboardWidgetType.Table || string.IsNullOrWhiteSpace(widget.GroupBy)))
        {
            failures.Add($"{key}:GroupBy is a tag key, for Table widgets only; it is '{widget.GroupBy}' on a {widget.Type} widget.");
        }

        if (widget.GroupBy is not null && widget.Series.Any(s => s.Stat is not (DashboardStat.Value or DashboardStat.Rate) || s.Metric != widget.Series[0].Metric))
        {
            failures.Add($"{key}:Series of a grouped table must all read one metric, with Stat Value or Rate.");
        }

        for (var s = 0; s < widget.Series.Count; s++)
        {
            var series = widget.Series[s];
            var seriesKey = string.Create(CultureInfo.InvariantCulture, $"{key}:Series:{s}");
            if (string.IsNullOrWhiteSpace(series.Metric))
            {
                failures.Add($"{seriesKey}:Metric must name a metric, for example accuscene.simulation.fps.");
            }

            if (!Enum.IsDefined(series.Stat))
            {
                failures.Add($"{seriesKey}:Stat must be one of Value, Rate, P50, P95 or P99; it is {series.Stat}.");
            }

            if (series.Per.Count > 4 || series.Per.Any(string.IsNullOrWhiteSpace) || (series.Per.Count > 0 && (widget.Type != DashboardWidgetType.Stat || series.Stat != DashboardStat.Rate)))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{seriesKey}:Per must name 0 to 4 metrics, and only for a stat widget's Rate series; it holds {series.Per.Count}."));
            }

            if (!double.IsFinite(series.Scale) || series.Scale == 0)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{seriesKey}:Scale must be a finite number other than 0; it is {series.Scale}."));
            }
        }
    }
}
