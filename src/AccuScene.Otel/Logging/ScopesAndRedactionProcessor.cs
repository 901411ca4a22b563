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
        try
        {
            this.ApplyScopesAndMask(data);
        }
        catch (Exception) when (!_redactor.IsEmpty)
        {
            // Fail closed: a record this processor could not finish must not leave with a secret in it. Its
            // message is masked whole and its sensitive attributes by key; the base class counts the fault.
            FailClosed(data, _redactor);
            throw;
        }
    }

    private static void FailClosed(LogRecord data, Redactor redactor)
    {
        data.Body = data.Body is null ? null : Redactor.Mask;
        data.FormattedMessage = data.FormattedMessage is null ? null : Redactor.Mask;
        try
        {
            if (data.Attributes is { Count: > 0 } attributes)
            {
                var masked = new KeyValuePair<string, object?>[attributes.Count];
                for (var i = 0; i < masked.Length; i++)
                {
                    masked[i] = Mask(redactor, attributes[i]);
                }

                data.Attributes = masked;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The app's attribute list cannot be read (what made the record fail, most likely): none of it goes out.
            data.Attributes = [];
        }
    }

    private void ApplyScopesAndMask(LogRecord data)
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

        if (scopes is not null)
        {
            ScopeValues.Return(scopes, MaxKeptCapacity);
        }

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

        // Taken off the thread while this record reads it: a record logged meanwhile on the same thread (a scope
        // whose ToString logs) finds none and reads into lists of its own, instead of emptying this one mid-loop.
        var scopes = _threadScopes ?? [];
        _threadScopes = null;
        try
        {
            provider.ForEachScope(static (scope, list) => AddScope(scope, list), scopes);
            if (scopes.Count == 0)
            {
                return null;
            }

            var settled = ScopeValues.Settle(scopes, attributes);
            if (settled.Count == 0)
            {
                ScopeValues.Return(settled, MaxKeptCapacity);
                return null;
            }

            return settled;
        }
        finally
        {
            // Emptied for the thread's next record, and let go when one record made it large.
            scopes.Clear();
            if (scopes.Capacity <= MaxKeptCapacity)
            {
                _threadScopes = scopes;
            }
        }
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
                var added = list.Count;
                for (var i = 0; i < pairs.Count; i++)
                {
                    if (pairs[i].Key != LogRecordText.OriginalFormat)
                    {
                        list.Add(pairs[i]);
                    }
                }

                AddTextOfTemplateAlone(scope, list.Count == added && pairs.Count > 0, list);
                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var before = list.Count;
                var any = false;
                foreach (var pair in pairs)
                {
                    any = true;
                    if (pair.Key != LogRecordText.OriginalFormat)
                    {
                        list.Add(pair);
                    }
                }

                AddTextOfTemplateAlone(scope, list.Count == before && any, list);
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

    // A scope of a template with no values (LoggerMessage.DefineScope("Importing batch")) holds only its template:
    // its text is the scope, as for BeginScope("Importing batch"). With values, the values are the scope (its text
    // would repeat them, unmasked).
    private static void AddTextOfTemplateAlone(object scope, bool templateAlone, List<KeyValuePair<string, object?>> list)
    {
        if (templateAlone && scope.ToString() is { Length: > 0 } text)
        {
            list.Add(new(ScopeValues.PlainScope, text));
        }
    }

    private static KeyValuePair<string, object?> Mask(Redactor redactor, KeyValuePair<string, object?> attribute) =>
        redactor.IsSensitive(attribute.Key) ? new(attribute.Key, Redactor.Mask)
        : redactor.TryMaskNested(attribute.Value, out var masked) ? new(attribute.Key, masked)
        : attribute;

    private KeyValuePair<string, object?> Mask(KeyValuePair<string, object?> attribute) => Mask(_redactor, attribute);

    private bool HasSensitive(IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        if (_redactor.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            // Read once: a LoggerMessage state's indexer boxes its value on every call.
            var (key, value) = attributes[i];
            if (_redactor.IsSensitive(key) || _redactor.HoldsNestedSensitive(value))
            {
                return true;
            }
        }

        return false;
    }
}
