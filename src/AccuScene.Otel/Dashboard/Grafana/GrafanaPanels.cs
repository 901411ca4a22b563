using System.Text.Json;
using AccuScene.Otel.Alerts.Prometheus;

namespace AccuScene.Otel.Dashboard.Grafana;

/// <summary>Writes one Grafana panel per dashboard widget.</summary>
internal static class GrafanaPanels
{
    public static void Write(Utf8JsonWriter json, DashboardWidget widget, IReadOnlyDictionary<string, AlertInstrument> instruments, int id, GrafanaGrid grid)
    {
        var (type, width, height) = widget.Type switch
        {
            DashboardWidgetType.Line => ("timeseries", 12, 8),
            DashboardWidgetType.Stat => ("stat", 6, 4),
            DashboardWidgetType.Table => ("table", 12, 8),
            DashboardWidgetType.Health => ("table", 12, 8),
            DashboardWidgetType.Alerts => ("table", 24, 6),
            _ => ("text", 24, 3),
        };
        var (x, y) = grid.Place(width, height);
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteString("type", type);
        json.WriteString("title", widget.Title);
        json.WriteStartObject("gridPos");
        json.WriteNumber("x", x);
        json.WriteNumber("y", y);
        json.WriteNumber("w", width);
        json.WriteNumber("h", height);
        json.WriteEndObject();
        switch (widget.Type)
        {
            case DashboardWidgetType.Line or DashboardWidgetType.Stat or DashboardWidgetType.Table:
                WriteSeriesPanel(json, widget, instruments);
                break;
            case DashboardWidgetType.Health:
                GrafanaDashboard.WriteDatasource(json);
                json.WriteString("description", "Each instance's health checks: 2 healthy, 1 degraded, 0 unhealthy (accuscene.health.status).");
                WriteTargets(json, [(GrafanaQueries.Health(instruments), "{{instance}} {{accuscene_health_check}}", true)]);
                WriteFieldConfig(json, "short", healthMappings: true);
                break;
            case DashboardWidgetType.Alerts:
                GrafanaDashboard.WriteDatasource(json);
                json.WriteString("description", "The alerts Prometheus evaluates from the rules of export-rules, pending and firing.");
                WriteTargets(json, [(GrafanaQueries.Alerts, "{{alertname}}", true)]);
                WriteFieldConfig(json, "short", healthMappings: false);
                break;
            default:
                json.WriteStartObject("options");
                json.WriteString("mode", "markdown");
                json.WriteString("content", "Events are log records: they go by OTLP with the logs, so read them in the log or trace backend (the Aspire Dashboard's structured logs, Loki, …), not in Prometheus.");
                json.WriteEndObject();
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteSeriesPanel(Utf8JsonWriter json, DashboardWidget widget, IReadOnlyDictionary<string, AlertInstrument> instruments)
    {
        // Lines: one per instance; stats: the fleet's total or mean; tables: one row per value of the group-by tag.
        var by = widget.Type switch
        {
            DashboardWidgetType.Line => "instance",
            DashboardWidgetType.Table when widget.GroupBy is { } tag => PrometheusNaming.LabelName(tag),
            _ => string.Empty,
        };
        var targets = new List<(string Expression, string Legend, bool Instant)>();
        var labels = new List<string>();
        var missing = new List<string>();
        foreach (var series in widget.Series)
        {
            var (expression, unsupported) = GrafanaQueries.For(series, instruments, by);
            var label = series.Label ?? series.Stat.ToString().ToLowerInvariant();
            if (expression is null)
            {
                missing.Add($"{label}: {unsupported}");
                continue;
            }

            var legend = widget.Type switch
            {
                DashboardWidgetType.Line => $"{label} {{{{instance}}}}",
                DashboardWidgetType.Table when by.Length > 0 => $"{{{{{by}}}}}",
                _ => label,
            };
            targets.Add((expression, legend, widget.Type == DashboardWidgetType.Table));
            labels.Add(label);
        }

        GrafanaDashboard.WriteDatasource(json);
        if (missing.Count > 0)
        {
            json.WriteString("description", "Left out, with no PromQL form: " + string.Join("; ", missing));
        }

        WriteTargets(json, targets);
        WriteFieldConfig(json, GrafanaQueries.Unit(widget.Unit), healthMappings: false);
        if (widget.Type == DashboardWidgetType.Table)
        {
            // One row per tag value, the series side by side.
            json.WriteStartArray("transformations");
            json.WriteStartObject();
            json.WriteString("id", "merge");
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("id", "organize");
            json.WriteStartObject("options");
            json.WriteStartObject("excludeByName");
            json.WriteBoolean("Time", true);
            json.WriteEndObject();
            json.WriteStartObject("renameByName");
            // Grafana's Prometheus source names a table's value column "Value #<refId>" when the panel has several
            // queries, and plain "Value" when it has one.
            for (var i = 0; i < labels.Count; i++)
            {
                json.WriteString(labels.Count == 1 ? "Value" : $"Value #{(char)('A' + i)}", labels[i]);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
        }
    }

    private static void WriteTargets(Utf8JsonWriter json, List<(string Expression, string Legend, bool Instant)> targets)
    {
        json.WriteStartArray("targets");
        for (var i = 0; i < targets.Count; i++)
        {
            var (expression, legend, instant) = targets[i];
            json.WriteStartObject();
            GrafanaDashboard.WriteDatasource(json);
            json.WriteString("refId", ((char)('A' + i)).ToString());
            json.WriteString("expr", expression);
            json.WriteString("legendFormat", legend);
            json.WriteBoolean("instant", instant);
            json.WriteBoolean("range", !instant);
            json.WriteString("format", instant ? "table" : "time_series");
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteFieldConfig(Utf8JsonWriter json, string unit, bool healthMappings)
    {
        json.WriteStartObject("fieldConfig");
        json.WriteStartObject("defaults");
        json.WriteString("unit", unit);
        if (healthMappings)
        {
            json.WriteStartArray("mappings");
            json.WriteStartObject();
            json.WriteString("type", "value");
            json.WriteStartObject("options");
            foreach (var (value, text, color) in new[] { ("2", "Healthy", "green"), ("1", "Degraded", "orange"), ("0", "Unhealthy", "red") })
            {
                json.WriteStartObject(value);
                json.WriteString("text", text);
                json.WriteString("color", color);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteStartArray("overrides");
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
