using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AccuScene.Otel.Tests.AspNetCore;

/// <summary><c>GET /events</c> answers 400 to a parameter it cannot read, instead of answering unfiltered.</summary>
public class EventsQueryParametersTests
{
    [TestCase("sevrity", "error", "'sevrity' is not a parameter of /events; they are severity, category, from, to, q, trace_id, limit, offset.")]
    [TestCase("trace_id", "not-a-trace", "trace_id must be a W3C trace id, 32 hexadecimal digits; it is 'not-a-trace'.")]
    [TestCase("trace_id", "0af7651916cd43dd8448eb211c80319", "trace_id must be a W3C trace id, 32 hexadecimal digits")]
    public void AParameterItCannotRead_IsRefusedWithTheReason(string name, string value, string message)
    {
        var parameters = new QueryCollection(new Dictionary<string, StringValues> { [name] = value });

        var parsed = AccuSceneDiagnosticsEndpointRouteBuilderExtensions.TryParse(parameters, out _, out var error);

        Assert.That(parsed, Is.False);
        Assert.That(error, Does.StartWith(message));
    }

    [Test]
    public void AParameterInAnotherCase_IsRead_AsASPNetCoreReadsQueryKeys()
    {
        var parameters = new QueryCollection(new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase) { ["Limit"] = "1", ["Severity"] = "error" });

        var parsed = AccuSceneDiagnosticsEndpointRouteBuilderExtensions.TryParse(parameters, out var query, out var error);

        Assert.That(parsed, Is.True, error);
        Assert.That(query.Limit, Is.EqualTo(1));
    }

    [Test]
    public void ATraceIdInUpperCase_IsReadAsTheLowerCaseIdTheStoreKeeps()
    {
        var parameters = new QueryCollection(new Dictionary<string, StringValues> { ["trace_id"] = "0AF7651916CD43DD8448EB211C80319C", ["severity"] = "error" });

        var parsed = AccuSceneDiagnosticsEndpointRouteBuilderExtensions.TryParse(parameters, out var query, out _);

        Assert.That(parsed, Is.True);
        Assert.That(query.TraceId, Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
    }
}
