namespace AccuScene.Otel.Instrumentation;

/// <summary>
/// The OpenTelemetry semantic-convention attribute names the instrumentation writes. They are the conventions'
/// names, not AccuScene's, so they are not part of the public API.
/// </summary>
internal static class SemanticConventions
{
    /// <summary><c>db.system.name</c>.</summary>
    public const string DbSystemName = "db.system.name";

    /// <summary><c>db.operation.name</c>.</summary>
    public const string DbOperationName = "db.operation.name";

    /// <summary><c>db.collection.name</c>.</summary>
    public const string DbCollectionName = "db.collection.name";

    /// <summary><c>db.query.text</c>, always through <see cref="Tracing.DbQueryTextSanitizer"/>.</summary>
    public const string DbQueryText = "db.query.text";

    /// <summary><c>http.request.method</c>.</summary>
    public const string HttpRequestMethod = "http.request.method";

    /// <summary><c>http.request.method_original</c>: the method as sent, when <c>http.request.method</c> differs.</summary>
    public const string HttpRequestMethodOriginal = "http.request.method_original";

    /// <summary><c>http.route</c>.</summary>
    public const string HttpRoute = "http.route";

    /// <summary><c>http.response.status_code</c>.</summary>
    public const string HttpResponseStatusCode = "http.response.status_code";

    /// <summary>The URI scheme of the request: <c>http</c> or <c>https</c>.</summary>
    public const string UrlScheme = "url.scheme";

    /// <summary><c>url.path</c>: the request's path, without its query.</summary>
    public const string UrlPath = "url.path";

    /// <summary><c>error.type</c>.</summary>
    public const string ErrorType = "error.type";
}
