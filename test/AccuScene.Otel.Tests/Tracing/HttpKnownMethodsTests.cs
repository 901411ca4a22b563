using AccuScene.Otel.Instrumentation.Tracing;

namespace AccuScene.Otel.Tests.Tracing;

/// <summary>
/// <c>OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS</c> replaces the known HTTP methods, as the HTTP semantic conventions
/// require of instrumentation that records unknown methods as <c>_OTHER</c>.
/// </summary>
public sealed class HttpKnownMethodsTests
{
    [Test]
    public void TheVariable_ReplacesTheDefaults()
    {
        var known = HttpMethods.KnownMethods("GET, QUERY ,,Purge");

        Assert.Multiple(() =>
        {
            Assert.That(known, Is.EqualTo(new[] { "GET", "QUERY", "Purge" }), "as written, as OpenTelemetry's ASP.NET Core instrumentation keeps them");
            Assert.That(HttpMethods.Normalize("query", known), Is.EqualTo("QUERY"));
            Assert.That(HttpMethods.Normalize("PURGE", known), Is.EqualTo("Purge"));
            Assert.That(HttpMethods.Normalize("POST", known), Is.EqualTo(HttpMethods.Other), "a full override: the defaults it leaves out are unknown");
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase(" , ")]
    public void NoMethodListed_KeepsTheDefaults(string? value)
    {
        var known = HttpMethods.KnownMethods(value);

        Assert.Multiple(() =>
        {
            Assert.That(known, Is.EqualTo(new[] { "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE" }));
            Assert.That(HttpMethods.Normalize("patch", known), Is.EqualTo("PATCH"));
            Assert.That(HttpMethods.Normalize("QUERY", known), Is.EqualTo(HttpMethods.Other));
        });
    }
}
