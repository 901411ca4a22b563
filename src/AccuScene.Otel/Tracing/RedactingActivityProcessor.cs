using System.Diagnostics;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Processing;
using AccuScene.Otel.Redaction;

namespace AccuScene.Otel.Tracing;

/// <summary>
/// Masks sensitive span attributes when a span ends, before the exporters' processors see it: the value
/// becomes <c>[REDACTED]</c>, and a value that is itself a list of key/value pairs gets a copy with its own
/// sensitive keys masked. A span with nothing to mask costs a walk over its tags and no allocation.
/// Tags of span events and links are not masked: .NET copies them into read-only storage when the event
/// or link is created, and no processor can change them afterwards.
/// </summary>
internal sealed class RedactingActivityProcessor : AccuSceneProcessor<Activity>
{
    private readonly Redactor _redactor;

    public RedactingActivityProcessor(Redactor redactor)
        : base("span-redaction")
    {
        _redactor = redactor;
    }

    protected override void OnEndCore(Activity data)
    {
        List<string>? sensitive = null;
        List<KeyValuePair<string, object?>>? nested = null;
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            if (_redactor.IsSensitive(tag.Key))
            {
                if (tag.Value is not Redactor.Mask)
                {
                    (sensitive ??= []).Add(tag.Key);
                }
            }
            else if (_redactor.TryMaskNested(tag.Value, out var masked))
            {
                (nested ??= []).Add(new(tag.Key, masked));
            }
        }

        if (nested is not null)
        {
            MaskNested(data, nested);
        }

        if (sensitive is null)
        {
            return;
        }

        foreach (var key in sensitive)
        {
            data.SetTag(key, Redactor.Mask);
        }

        // AddTag keeps a key more than once (a header with two values), and SetTag changes only the first: any
        // value still left under a sensitive key goes, and the key keeps one masked value.
        if (HasUnmasked(data, sensitive))
        {
            foreach (var key in sensitive.Distinct(StringComparer.Ordinal))
            {
                // SetTag(key, null) takes the first tag of the key away; at most as many times as the span has tags.
                for (var left = TagCount(data); left > 0 && data.GetTagItem(key) is not null; left--)
                {
                    data.SetTag(key, null);
                }

                data.SetTag(key, Redactor.Mask);
            }
        }
    }

    // A key held once takes its masked copy. AddTag keeps a key more than once, and SetTag changes only the
    // first: a key held more than once, one of them with a secret inside, keeps one value, masked whole.
    private static void MaskNested(Activity data, List<KeyValuePair<string, object?>> nested)
    {
        foreach (var (key, masked) in nested)
        {
            if (data.GetTagItem(key) is Redactor.Mask)
            {
                continue; // held more than once: already masked whole
            }

            if (Occurrences(data, key) == 1)
            {
                data.SetTag(key, masked);
                continue;
            }

            for (var left = TagCount(data); left > 0 && data.GetTagItem(key) is not null; left--)
            {
                data.SetTag(key, null);
            }

            data.SetTag(key, Redactor.Mask);
        }
    }

    private static int Occurrences(Activity data, string key)
    {
        var count = 0;
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            count += string.Equals(tag.Key, key, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    private static int TagCount(Activity data)
    {
        var count = 0;
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            count++;
        }

        return count;
    }

    private static bool HasUnmasked(Activity data, List<string> sensitive)
    {
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            if (tag.Value is not Redactor.Mask && sensitive.Contains(tag.Key, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
