using System.Text.Json;
using AccuScene.Otel.Alerts.Prometheus;

namespace AccuScene.Otel.Dashboard.Grafana;

/// <summary>
/// Writes a dashboard layout (<see cref="DashboardLayout"/>, or <c>AccuScene:Dashboard:Widgets</c>) as a Grafana
/// dashboard over Prometheus, for a team that moves from one process to a fleet: a <c>datasource</c> variable,
/// <c>job</c> and <c>instance</c> variables, firing alerts as annotations, and one panel per widget. Line widgets
/// become time series with one line per instance, stat widgets stat panels over the fleet, tables instant tables,
/// health a table of each instance's checks, alerts a table of Prometheus' <c>ALERTS</c>; events, which are logs,
/// become a text panel that says where they are. A series with no PromQL form is left out and named in the panel's
/// description, never dropped silently.
/// </summary>
public static class GrafanaDashboard
{
    private const string Datasource = "${datasource}";

    /// <summary>Writes the dashboard JSON.</summary>
    /// <param name="widgets">The layout, for example <see cref="DashboardLayout.Default"/>.</param>
    /// <param name="instruments">The instruments the widgets read: their unit and kind decide the Prometheus names.</param>
    /// <param name="output">Where the JSON goes.</param>
    /// <param name="title">The dashboard's title. Default: <c>AccuScene</c>.</param>
    /// <returns>How many panels were written.</returns>
    public static int Write(IEnumerable<DashboardWidget> widgets, IEnumerable<AlertInstrument> instruments, Stream output, string title = "AccuScene")
    {
        ArgumentNullException.ThrowIfNull(widgets);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var panelWidgets = widgets.ToList();
        if (panelWidgets.Any(w => w?.Title is null || w.Series.Any(s => s?.Metric is null || s.Per.Any(p => p is null))))
        {
            throw new ArgumentException("The widgets must not hold null entries, titles, series, metrics or Per metrics.", nameof(widgets));
        }

        var known = new Dictionary<string, AlertInstrument>(StringComparer.Ordinal);
        foreach (var instrument in instruments)
        {
            if (instrument?.Name is null)
            {
                throw new ArgumentException("The instruments must not hold null or unnamed entries.", nameof(instruments));
            }

            known.TryAdd(instrument.Name, instrument);
        }

        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("title", title);
        var uid = "accuscene-" + PrometheusNaming.LabelName(title).ToLowerInvariant(); // Grafana takes [a-zA-Z0-9_-] only
        json.WriteString("uid", uid.Length <= 40 ? uid : uid[..40]); // Grafana's limit
        json.WriteNumber("schemaVersion", 39);
        json.WriteNumber("version", 1);
        json.WriteBoolean("editable", true);
        json.WriteString("refresh", "10s");
        json.WriteStartArray("tags");
        json.WriteStringValue("accuscene");
        json.WriteEndArray();
        json.WriteStartObject("time");
        json.WriteString("from", "now-15m");
        json.WriteString("to", "now");
        json.WriteEndObject();
        WriteTemplating(json);
        WriteAnnotations(json);
        json.WriteStartArray("panels");
        var layout = new GrafanaGrid();
        var id = 0;
        foreach (var widget in panelWidgets)
        {
            GrafanaPanels.Write(json, widget, known, ++id, layout);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        return id;
    }

    internal static void WriteDatasource(Utf8JsonWriter json)
    {
        json.WriteStartObject("datasource");
        json.WriteString("type", "prometheus");
        json.WriteString("uid", Datasource);
        json.WriteEndObject();
    }

    private static void WriteTemplating(Utf8JsonWriter json)
    {
        json.WriteStartObject("templating");
        json.WriteStartArray("list");
        json.WriteStartObject();
        json.WriteString("name", "datasource");
        json.WriteString("label", "Data source");
        json.WriteString("type", "datasource");
        json.WriteString("query", "prometheus");
        json.WriteEndObject();
        WriteQueryVariable(json, "job", "Job", "label_values(up, job)");
        WriteQueryVariable(json, "instance", "Instance", "label_values(up{job=~\"$job\"}, instance)");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteQueryVariable(Utf8JsonWriter json, string name, string label, string query)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("label", label);
        json.WriteString("type", "query");
        WriteDatasource(json);
        json.WriteStartObject("query");
        json.WriteString("query", query);
        json.WriteString("refId", name);
        json.WriteEndObject();
        json.WriteString("definition", query);
        json.WriteNumber("refresh", 2);
        json.WriteBoolean("includeAll", true);
        json.WriteBoolean("multi", true);
        json.WriteString("allValue", ".*");
        json.WriteStartObject("current");
        json.WriteString("text", "All");
        json.WriteString("value", "$__all");
        json.WriteEndObject();
        json.WriteNumber("sort", 1);
        json.WriteEndObject();
    }

    private static void WriteAnnotations(Utf8JsonWriter json)
    {
        json.WriteStartObject("annotations");
        json.WriteStartArray("list");
        json.WriteStartObject();
        json.WriteNumber("builtIn", 1);
        json.WriteStartObject("datasource");
        json.WriteString("type", "grafana");
        json.WriteString("uid", "-- Grafana --");
        json.WriteEndObject();
        json.WriteBoolean("enable", true);
        json.WriteBoolean("hide", true);
        json.WriteString("iconColor", "rgba(0, 211, 255, 1)");
        json.WriteString("name", "Annotations & Alerts");
        json.WriteString("type", "dashboard");
        json.WriteEndObject();
        json.WriteStartObject();
        json.WriteString("name", "Firing alerts");
        WriteDatasource(json);
        json.WriteBoolean("enable", true);
        json.WriteString("iconColor", "red");
        json.WriteString("expr", "ALERTS{alertstate=\"firing\",job=~\"$job\"}");
        json.WriteString("step", "30s");
        json.WriteString("titleFormat", "{{alertname}}");
        json.WriteString("textFormat", "{{severity}} {{instance}}");
        json.WriteBoolean("useValueForTime", false);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }
}

/// <summary>Places panels left to right on Grafana's 24-column grid, wrapping when a row is full.</summary>
internal sealed class GrafanaGrid
{
    private int _x;
    private int _y;
    private int _rowHeight;

    public (int X, int Y) Place(int width, int height)
    {
        if (_x + width > 24)
        {
            (_x, _y, _rowHeight) = (0, _y + _rowHeight, 0);
        }

        var place = (_x, _y);
        _x += width;
        _rowHeight = Math.Max(_rowHeight, height);
        return place;
    }
}
