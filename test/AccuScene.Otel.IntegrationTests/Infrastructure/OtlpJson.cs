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
    IReadOnlyList<string> EventNames,
    int StatusCode = OtlpStatusCode.Unset,
    string? StatusMessage = null);

/// <summary>OTLP <c>Span.SpanKind</c> values, as the Aspire Dashboard API returns them (numbers).</summary>
internal static class OtlpSpanKind
{
    public const int Unspecified = 0;
    public const int Internal = 1;
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    public static string Name(int kind) => kind switch
    {
        Internal => "INTERNAL",
        Server => "SERVER",
        Client => "CLIENT",
        Producer => "PRODUCER",
        Consumer => "CONSUMER",
        _ => "UNSPECIFIED",
    };
}

/// <summary>OTLP <c>Status.StatusCode</c> values; a span without <c>status</c> is <see cref="Unset"/>.</summary>
internal static class OtlpStatusCode
{
    public const int Unset = 0;
    public const int Ok = 1;
    public const int Error = 2;

    public static string Name(int code) => code switch
    {
        Ok => "Ok",
        Error => "Error",
        _ => "Unset",
    };
}

/// <summary>A resource as <c>GET /api/telemetry/resources</c> lists it: which signals it has sent.</summary>
internal sealed record OtlpResource(string Name, string? InstanceId, bool HasLogs, bool HasTraces, bool HasMetrics);

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
                    var (statusCode, statusMessage) = Status(span);
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
                        events,
                        statusCode,
                        statusMessage));
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

    /// <summary>Reads <c>GET /api/telemetry/resources</c>: <c>[{ name, instanceId, displayName, hasLogs, hasTraces, hasMetrics }]</c>.</summary>
    public static List<OtlpResource> ReadResources(JsonElement root)
    {
        var result = new List<OtlpResource>();
        if (root.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var resource in root.EnumerateArray())
        {
            result.Add(new OtlpResource(
                resource.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
                resource.TryGetProperty("instanceId", out var i) ? i.GetString() : null,
                Flag(resource, "hasLogs"),
                Flag(resource, "hasTraces"),
                Flag(resource, "hasMetrics")));
        }

        return result;
    }

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>A span's <c>status</c>: <c>{ "code": 2, "message": "" }</c> (the enum as a number, or its name), absent when unset.</summary>
    private static (int Code, string? Message) Status(JsonElement span)
    {
        if (!span.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            return (OtlpStatusCode.Unset, null);
        }

        var message = status.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (!status.TryGetProperty("code", out var code))
        {
            return (OtlpStatusCode.Unset, message);
        }

        var value = code.ValueKind switch
        {
            JsonValueKind.Number => code.GetInt32(),
            JsonValueKind.String => code.GetString() switch
            {
                "STATUS_CODE_OK" or "Ok" => OtlpStatusCode.Ok,
                "STATUS_CODE_ERROR" or "Error" => OtlpStatusCode.Error,
                _ => OtlpStatusCode.Unset,
            },
            _ => OtlpStatusCode.Unset,
        };
        return (value, message);
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
