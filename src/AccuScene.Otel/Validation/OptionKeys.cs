using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel;

/// <summary>Finds configuration keys that match no option, from an options type's source-generated metadata.</summary>
internal static class OptionKeys
{
    /// <summary>
    /// Reports keys that match no option, at every depth (list entries and dictionary entries of option objects
    /// included), so a typo fails at start-up instead of being ignored.
    /// </summary>
    public static void FindUnknown(IConfiguration section, JsonTypeInfo typeInfo, string path, List<string> unknown)
    {
        foreach (var child in section.GetChildren())
        {
            var property = typeInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            var childPath = $"{path}:{child.Key}";
            if (property is null)
            {
                var known = string.Join(", ", typeInfo.Properties.Select(p => p.Name));
                unknown.Add($"{childPath} is not a known setting; the settings of {path} are: {known}.");
                continue;
            }

            typeInfo.Options.TryGetTypeInfo(property.PropertyType, out var childInfo);
            if (childInfo is { Kind: not JsonTypeInfoKind.None } && !string.IsNullOrEmpty(child.Value))
            {
                unknown.Add(SectionGivenValue(childPath, childInfo, child.Value));
                continue;
            }

            if (childInfo is { Kind: JsonTypeInfoKind.Object })
            {
                FindUnknown(child, childInfo, childPath, unknown);
            }
            else if (childInfo is { Kind: JsonTypeInfoKind.None })
            {
                FindUnderValue(child, childPath, unknown);
            }
            else if (childInfo is { Kind: JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable, ElementType: { } elementType }
                && typeInfo.Options.TryGetTypeInfo(elementType, out var elementInfo))
            {
                foreach (var entry in child.GetChildren())
                {
                    FindInEntry(entry, elementInfo, $"{childPath}:{entry.Key}", unknown);
                }
            }
        }
    }

    // One entry of a dictionary or list. An option object (AccuScene:Health:Checks:<name>, AccuScene:Alerts:Rules:0,
    // Webhooks:0, Dashboard:Widgets:0) has its keys checked; a plain value (Logging:LogLevel:<category>,
    // Tracing:PropagatedHeaders:<header>, a rule's Tags:<name>) or a list of them (Metrics:HistogramBoundaries:<name>)
    // has nothing below it, or below its items.
    private static void FindInEntry(IConfigurationSection entry, JsonTypeInfo elementInfo, string path, List<string> unknown)
    {
        switch (elementInfo.Kind)
        {
            case JsonTypeInfoKind.Object when !string.IsNullOrEmpty(entry.Value):
                unknown.Add(SectionGivenValue(path, elementInfo, entry.Value));
                break;
            case JsonTypeInfoKind.Object:
                FindUnknown(entry, elementInfo, path, unknown);
                break;
            case JsonTypeInfoKind.None:
                FindUnderValue(entry, path, unknown);
                break;
            default:
                // "HistogramBoundaries:<name>": "0.001,0.01": the binder would keep no boundaries without a word.
                if (!string.IsNullOrEmpty(entry.Value))
                {
                    unknown.Add(SectionGivenValue(path, elementInfo, entry.Value));
                }

                foreach (var item in entry.GetChildren())
                {
                    FindUnderValue(item, $"{path}:{item.Key}", unknown);
                }

                break;
        }
    }

    // "Service": "orders" where a section belongs: the binder would drop it without a word. The message says what the
    // section holds. The value itself is not repeated: it may be a URL with a token in it, and this message is logged.
    private static string SectionGivenValue(string path, JsonTypeInfo section, string value)
    {
        var instead = section.Kind switch
        {
            JsonTypeInfoKind.Object => $"set its settings ({string.Join(", ", section.Properties.Select(p => p.Name))})",
            JsonTypeInfoKind.Dictionary => "set its entries (:<name>)",
            _ => "set its entries (:0, :1, …)",
        };
        return $"{path} is a section, not a value; {instead} instead of giving it a value ({value.Length} characters).";
    }

    // A value with keys below it: the binder would bind the value's default (LogLevel.Trace for a category) or fail
    // naming no key. Usually a name with dots split by "__" (AccuScene__Logging__LogLevel__Microsoft__AspNetCore).
    private static void FindUnderValue(IConfigurationSection value, string path, List<string> unknown)
    {
        if (value.GetChildren().FirstOrDefault() is { } below)
        {
            unknown.Add($"{path}:{below.Key} is not a known setting: {path} is a single value. A name with dots keeps them (Microsoft.AspNetCore; in an environment variable, AccuScene__Logging__LogLevel__Microsoft.AspNetCore).");
        }
    }
}
