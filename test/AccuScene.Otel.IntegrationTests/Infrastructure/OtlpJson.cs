using System.Globalization;
using System.Text.Json;

namespace AccuScene.Otel.IntegrationTests.Infrastructure;

internal sealed record OtlpSpan(
    string ServiceName,
    IReadOnlyDictionary<string, string> Resource,
    string Scope,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> EventNames);

internal sealed record OtlpLog(
    string ServiceName,
    string Scope,
    string? TraceId,
    string? SpanId,
    string Body,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>Reads the OTLP JSON that the Aspire Dashboard API returns.</summary>
internal static class OtlpJson
{
    public static List<OtlpSpan> ReadSpans(JsonElement root, string serviceName)
    {
        var result = new List<OtlpSpan>();
        foreach (var resourceSpans in root.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var resource = Attributes(resourceSpans.GetProperty("resource"));
            if (!resource.TryGetValue("service.name", out var name) || name != serviceName)
            {
                continue;
            }

            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                var scope = scopeSpans.GetProperty("scope").GetProperty("name").GetString()!;
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    var events = span.TryGetProperty("events", out var e)
                        ? e.EnumerateArray().Select(x => x.GetProperty("name").GetString()!).ToList()
                        : [];
                    result.Add(new OtlpSpan(
                        name,
                        resource,
                        scope,
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var p) ? p.GetString() : null,
                        span.GetProperty("name").GetString()!,
                        span.TryGetProperty("kind", out var k) ? k.GetInt32() : 0,
                        Attributes(span),
                        events));
                }
            }
        }

        return result;
    }

    public static List<OtlpLog> ReadLogs(JsonElement root, string serviceName)
    {
        var result = new List<OtlpLog>();
        foreach (var resourceLogs in root.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            var resource = Attributes(resourceLogs.GetProperty("resource"));
            if (!resource.TryGetValue("service.name", out var name) || name != serviceName)
            {
                continue;
            }

            foreach (var scopeLogs in resourceLogs.GetProperty("scopeLogs").EnumerateArray())
            {
                var scope = scopeLogs.GetProperty("scope").GetProperty("name").GetString()!;
                foreach (var log in scopeLogs.GetProperty("logRecords").EnumerateArray())
                {
                    result.Add(new OtlpLog(
                        name,
                        scope,
                        log.TryGetProperty("traceId", out var t) ? t.GetString() : null,
                        log.TryGetProperty("spanId", out var s) ? s.GetString() : null,
                        log.TryGetProperty("body", out var b) ? Value(b) : "",
                        Attributes(log)));
                }
            }
        }

        return result;
    }

    private static Dictionary<string, string> Attributes(JsonElement element)
    {
        var result = new Dictionary<string, string>();
        if (element.TryGetProperty("attributes", out var attributes))
        {
            foreach (var attribute in attributes.EnumerateArray())
            {
                result[attribute.GetProperty("key").GetString()!] = Value(attribute.GetProperty("value"));
            }
        }

        return result;
    }

    private static string Value(JsonElement value)
    {
        foreach (var property in value.EnumerateObject())
        {
            return property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True or JsonValueKind.False => property.Value.GetBoolean().ToString(CultureInfo.InvariantCulture),
                _ => property.Value.GetRawText(),
            };
        }

        return "";
    }
}
