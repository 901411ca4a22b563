using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccuScene.Otel.Health;

/// <summary>
/// Writes an <see cref="AccuSceneHealthReport"/> as the JSON body of the probe endpoints:
/// <c>{"status","probe","generated_at","checks":[{"name","status","last_result","description","duration_ms",
/// "last_run","last_success","consecutive_failures","consecutive_successes","pending","dependency":{…},"tags","data"}]}</c>.
/// Without details, <c>"checks"</c> gives way to <c>"hidden"</c>, which says how to see them.
/// </summary>
internal static class AccuSceneHealthJson
{
    private const string DefaultReadTokenKey = "AccuScene:Endpoints:ReadToken";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">The stream, for example a response body.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the JSON is written.</returns>
    public static Task WriteAsync(AccuSceneHealthReport report, Stream output, CancellationToken cancellationToken = default) =>
        WriteAsync(report, output, details: true, cancellationToken: cancellationToken);

    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>, with or without its checks.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">The stream, for example a response body.</param>
    /// <param name="details">Whether to list the checks (their descriptions may hold exception messages and addresses), or only the status.</param>
    /// <param name="readTokenKey">The read token's configuration key, named when the checks are not listed.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the JSON is written.</returns>
    public static async Task WriteAsync(AccuSceneHealthReport report, Stream output, bool details, string readTokenKey = DefaultReadTokenKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        CheckEntries(report);
        var writer = new Utf8JsonWriter(output, Options);
        await using (writer.ConfigureAwait(false))
        {
            Write(report, writer, details, readTokenKey);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="details">Whether to list the checks, or only the status.</param>
    /// <param name="readTokenKey">The read token's configuration key, named when the checks are not listed.</param>
    public static void Write(AccuSceneHealthReport report, Utf8JsonWriter writer, bool details = true, string readTokenKey = DefaultReadTokenKey)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        CheckEntries(report);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteString("probe", report.Probe.ToString().ToLowerInvariant());
        writer.WriteString("generated_at", report.GeneratedAt);
        if (!details)
        {
            writer.WriteString("hidden", $"The checks are listed for local requests, or with 'Authorization: Bearer <{readTokenKey}>'.");
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartArray("checks");
        foreach (var entry in report.Entries)
        {
            WriteEntry(entry, writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteEntry(AccuSceneHealthEntry entry, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", entry.Name);
        writer.WriteString("status", entry.Pending ? "Pending" : entry.Status.ToString());
        if (entry.LastResult is { } last)
        {
            writer.WriteString("last_result", last.ToString());
        }

        writer.WriteString("description", entry.Description);
        if (entry.LastDuration is { } duration)
        {
            writer.WriteNumber("duration_ms", Math.Round(duration.TotalMilliseconds, 3));
        }

        WriteTime(writer, "last_run", entry.LastRun);
        WriteTime(writer, "last_success", entry.LastSuccess);
        writer.WriteNumber("consecutive_failures", entry.ConsecutiveFailures);
        writer.WriteNumber("consecutive_successes", entry.ConsecutiveSuccesses);
        writer.WriteBoolean("pending", entry.Pending);
        if (entry.Dependency is { } dependency)
        {
            writer.WriteStartObject("dependency");
            writer.WriteString("name", dependency.Name);
            writer.WriteString("kind", dependency.Kind);
            writer.WriteBoolean("critical", dependency.Critical);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("tags");
        foreach (var tag in entry.Tags)
        {
            writer.WriteStringValue(tag);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("data");
        foreach (var (key, value) in entry.Data)
        {
            switch (value)
            {
                case long whole:
                    writer.WriteNumber(key, whole); // exact past 2^53, which a double would round
                    break;
                case ulong whole:
                    writer.WriteNumber(key, whole);
                    break;
                case int or uint or short or ushort or byte or sbyte:
                    writer.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case double or float or decimal when double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)):
                    writer.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                    break;
                case bool flag:
                    writer.WriteBoolean(key, flag);
                    break;
                default:
                    writer.WriteString(key, Text(value));
                    break;
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // A check's data comes from any code; a value whose ToString() throws is shown as such, so one bad value
    // never takes the whole report down.
    internal static string? Text(object? value)
    {
        try
        {
            return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"<ToString() threw {ex.GetType().Name}>";
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void CheckEntries(AccuSceneHealthReport report)
    {
        if (report.Entries is null || report.Entries.Any(e => e is null))
        {
            throw new ArgumentException("The report's Entries must be a list without null entries.", nameof(report));
        }
    }
}
