using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Processing;
using AccuScene.Otel.Redaction;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Runs first on every log record. It appends the current logger scopes (when <c>AccuScene:Logging:IncludeScopes</c>
/// is on) to the record's attributes, and masks sensitive attributes, scope values included, as
/// <c>[REDACTED]</c>. When a value was masked, the formatted message is rendered again from the template so it
/// does not repeat the secret. Every exporter after it (OTLP, console, file) sees only masked values. A record
/// with no scope and nothing to mask is left untouched and costs no allocation.
/// </summary>
internal sealed class ScopesAndRedactionProcessor : AccuSceneProcessor<LogRecord>
{
    /// <summary>The most scope values one record carries; the outermost past it are left out and counted.</summary>
    public const int MaxScopeValues = 128;

    /// <summary>The attribute listing the scopes that are not key/value pairs (<c>BeginScope("Request A")</c>), outermost first.</summary>
    public const string ScopeAttribute = "scope";

    // A thread's scope buffers are let go when one record's scopes made them larger than this.
    private const int MaxKeptCapacity = 4 * MaxScopeValues;

    [ThreadStatic]
    private static List<KeyValuePair<string, object?>>? _threadScopes;


    private readonly Redactor _redactor;
    private readonly ScopeCapture? _scopeCapture;

    public ScopesAndRedactionProcessor(Redactor redactor, ScopeCapture? scopeCapture)
        : base("scopes-and-redaction")
    {
        _redactor = redactor;
        _scopeCapture = scopeCapture;
    }

    protected override void OnEndCore(LogRecord data)
    {
        var attributes = data.Attributes ?? [];
        var scopes = this.CollectScopes(attributes);
        var sensitive = this.HasSensitive(attributes) || (scopes is { Count: > 0 } && this.HasSensitive(scopes));
        if (!sensitive && scopes is not { Count: > 0 })
        {
            return;
        }

        var combined = new KeyValuePair<string, object?>[attributes.Count + (scopes?.Count ?? 0)];
        string? template = null;
        for (var i = 0; i < attributes.Count; i++)
        {
            var (key, value) = attributes[i];
            if (key == LogRecordText.OriginalFormat)
            {
                template = value as string;
            }

            combined[i] = this.Mask(attributes[i]);
        }

        for (var i = 0; i < (scopes?.Count ?? 0); i++)
        {
            combined[attributes.Count + i] = this.Mask(scopes![i]);
        }

        Release(scopes);
        if (sensitive && template is null && this.HasSensitive(attributes))
        {
            // No template: OpenTelemetry made the body and the message from the formatter's output, which may hold the
            // record's own sensitive values (a dictionary state with a formatter; a scope's never reach it). Neither
            // can be rendered again, so both are masked whole.
            data.Body = data.Body is null ? null : Redactor.Mask;
            data.FormattedMessage = data.FormattedMessage is null ? null : Redactor.Mask;
        }
        else if (sensitive && template is not null && data.FormattedMessage is not null
            && !string.Equals(data.FormattedMessage, template, StringComparison.Ordinal))
        {
            // A message equal to its template holds no value (an AccuScene event's message, which is no template,
            // among them), so it is kept as written: rendering it would read its braces as holes.
            // Rendered before anything is assigned: if rendering fails, the message is masked whole, never kept.
            string message;
            try
            {
                message = MessageTemplateRenderer.Render(template!, combined);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                message = Redactor.Mask;
            }

            data.FormattedMessage = message;
        }

        data.Attributes = combined;
    }

    private List<KeyValuePair<string, object?>>? CollectScopes(IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        var provider = _scopeCapture?.Scopes;
        if (provider is null)
        {
            return null;
        }

        var scopes = _threadScopes ??= [];
        scopes.Clear();
        provider.ForEachScope(static (scope, list) => AddScope(scope, list), scopes);
        return scopes.Count == 0 ? scopes : ScopeValues.Settle(scopes, attributes);
    }

    // Emptied for the thread's next record, and let go when one record made them large.
    private static void Release(List<KeyValuePair<string, object?>>? scopes)
    {
        if (scopes is null)
        {
            return;
        }

        scopes.Clear();
        if (_threadScopes is { Capacity: > MaxKeptCapacity })
        {
            _threadScopes = null;
        }

        ScopeValues.Release(MaxKeptCapacity);
    }

    // A scope that throws while it is read (a template with more holes than arguments, a collection changed by
    // another thread) is left out and counted; the record, and its masking, go on without it.
    private static void AddScope(object? scope, List<KeyValuePair<string, object?>> list)
    {
        var before = list.Count;
        try
        {
            AddScopeItems(scope, list);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            list.RemoveRange(before, list.Count - before);
            AccuSceneSelfDiagnostics.ProcessorFailed("scopes-and-redaction", "scope", ex);
        }
    }

    private static void AddScopeItems(object? scope, List<KeyValuePair<string, object?>> list)
    {
        switch (scope)
        {
            case null:
                return;
            case not null when scope.GetType().Name == "ActivityLogScope":
                // The host's ActivityTrackingOptions scope repeats the trace and span ids the record already carries.
                return;
            case IReadOnlyList<KeyValuePair<string, object?>> pairs:
                for (var i = 0; i < pairs.Count; i++)
                {
                    if (pairs[i].Key != LogRecordText.OriginalFormat)
                    {
                        list.Add(pairs[i]);
                    }
                }

                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var pair in pairs)
                {
                    if (pair.Key != LogRecordText.OriginalFormat)
                    {
                        list.Add(pair);
                    }
                }

                return;
            case IEnumerable<KeyValuePair<string, string?>> texts:
                // A Dictionary<string, string>: its values by key too, so they are masked by key as well.
                foreach (var (key, value) in texts)
                {
                    list.Add(new(key, value));
                }

                return;
            default:
                list.Add(new(ScopeValues.PlainScope, scope));
                return;
        }
    }

    private KeyValuePair<string, object?> Mask(KeyValuePair<string, object?> attribute) =>
        _redactor.IsSensitive(attribute.Key) ? new(attribute.Key, Redactor.Mask) : attribute;

    private bool HasSensitive(IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        if (_redactor.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (_redactor.IsSensitive(attributes[i].Key))
            {
                return true;
            }
        }

        return false;
    }
}
