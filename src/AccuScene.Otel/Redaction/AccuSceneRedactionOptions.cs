namespace AccuScene.Otel;

/// <summary>Attribute keys whose values are replaced by <c>[REDACTED]</c> (<c>AccuScene:Redaction</c>).</summary>
public sealed class AccuSceneRedactionOptions
{
    /// <summary>The keys masked when <see cref="Keys"/> is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultKeys = ["authorization", "password", "secret", "token", "api_key", "connection string"];

    /// <summary>
    /// Gets or sets the keys to mask; setting it replaces <see cref="DefaultKeys"/>, and an empty list masks nothing.
    /// Keys are compared without case and without <c>_</c>, <c>-</c>, <c>.</c> and spaces, and an attribute is masked
    /// when its key ends with one of them: <c>api_key</c> masks <c>x-api-key</c>, <c>connection string</c> masks
    /// <c>db.connection_string</c>, <c>token</c> masks <c>refresh_token</c> but not <c>token_count</c>.
    /// </summary>
    public IList<string>? Keys { get; set; }
}
