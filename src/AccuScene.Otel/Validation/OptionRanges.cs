using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;

namespace AccuScene.Otel;

/// <summary>
/// Checks every option that carries a <see cref="RangeAttribute"/> (numbers) or a
/// <see cref="DurationRangeAttribute"/> (durations), at every depth (list and dictionary
/// entries included). The attributes are the code's one statement of the ranges; <c>docs/configuration.md</c>
/// is the people's, and a test keeps the two equal. Failures name the full key, the range and the value:
/// <c>AccuScene:Dashboard:MaxStreams must be between 1 and 1000; it is 0.</c>
/// </summary>
internal static class OptionRanges
{
    /// <summary>Adds a failure for each value of <paramref name="options"/> outside its range.</summary>
    /// <param name="options">An options object.</param>
    /// <param name="typeInfo">Its source-generated metadata; nested types come from the same resolver.</param>
    /// <param name="root">The configuration path of <paramref name="options"/>, such as <c>AccuScene</c>.</param>
    /// <param name="failures">Where failures are added.</param>
    public static void Collect(object options, JsonTypeInfo typeInfo, string root, List<string> failures) =>
        Walk(options, typeInfo, root, failures);

    /// <summary>
    /// Every ranged option as (key, minimum, maximum): list entries are written <c>&lt;n&gt;</c> and dictionary
    /// entries <c>&lt;name&gt;</c>, as the configuration reference writes them.
    /// </summary>
    /// <param name="typeInfo">The metadata of the options type.</param>
    /// <param name="root">Its configuration path.</param>
    public static IEnumerable<(string Key, string Minimum, string Maximum)> Declared(JsonTypeInfo typeInfo, string root)
    {
        var result = new List<(string, string, string)>();
        Declare(typeInfo, root, result, 0);
        return result;
    }

    /// <summary>The range of <paramref name="property"/> as the messages write it (<c>between 1 and 1000</c>), or null when it has none.</summary>
    public static string? Describe(JsonPropertyInfo property) =>
        RangeOf(property) is { } range ? $"between {range.Minimum} and {range.Maximum}" : null;

    private static void Walk(object target, JsonTypeInfo typeInfo, string path, List<string> failures)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (property.Get is not { } get)
            {
                continue;
            }

            var key = $"{path}:{property.Name}";
            var value = get(target);
            if (RangeOf(property) is { } range)
            {
                if (value is not null && !range.Contains(value))
                {
                    failures.Add($"{key} must be between {range.Minimum} and {range.Maximum}; it is {Text(value)}.");
                }

                continue;
            }

            if (value is null || !typeInfo.Options.TryGetTypeInfo(property.PropertyType, out var childInfo))
            {
                continue;
            }

            if (childInfo.Kind == JsonTypeInfoKind.Object)
            {
                Walk(value, childInfo, key, failures);
            }
            else if (ElementInfo(childInfo) is { } elementInfo)
            {
                WalkEntries(value, elementInfo, key, failures);
            }
        }
    }

    private static void WalkEntries(object collection, JsonTypeInfo elementInfo, string path, List<string> failures)
    {
        if (collection is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Value is { } value)
                {
                    Walk(value, elementInfo, $"{path}:{entry.Key}", failures);
                }
            }

            return;
        }

        var index = 0;
        foreach (var item in (IEnumerable)collection)
        {
            if (item is not null)
            {
                Walk(item, elementInfo, string.Create(CultureInfo.InvariantCulture, $"{path}:{index}"), failures);
            }

            index++;
        }
    }

    private static void Declare(JsonTypeInfo typeInfo, string path, List<(string, string, string)> result, int depth)
    {
        foreach (var property in typeInfo.Properties)
        {
            var key = $"{path}:{property.Name}";
            if (RangeOf(property) is { } range)
            {
                result.Add((key, range.Minimum, range.Maximum));
            }
            else if (depth < 8 && typeInfo.Options.TryGetTypeInfo(property.PropertyType, out var childInfo))
            {
                if (childInfo.Kind == JsonTypeInfoKind.Object)
                {
                    Declare(childInfo, key, result, depth + 1);
                }
                else if (ElementInfo(childInfo) is { } elementInfo)
                {
                    Declare(elementInfo, key + (childInfo.Kind == JsonTypeInfoKind.Dictionary ? ":<name>" : ":<n>"), result, depth + 1);
                }
            }
        }
    }

    private static JsonTypeInfo? ElementInfo(JsonTypeInfo info) =>
        info is { Kind: JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable, ElementType: { } elementType }
            && info.Options.TryGetTypeInfo(elementType, out var elementInfo) && elementInfo.Kind == JsonTypeInfoKind.Object
            ? elementInfo
            : null;

    private static DeclaredRange? RangeOf(JsonPropertyInfo property)
    {
        var attributes = property.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [];
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case RangeAttribute range:
                    var minimum = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
                    var maximum = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
                    return new DeclaredRange(Text(range.Minimum), Text(range.Maximum), value => value is not TimeSpan
                        && Convert.ToDouble(value, CultureInfo.InvariantCulture) is var number && number >= minimum && number <= maximum);
                case DurationRangeAttribute duration:
                    return new DeclaredRange(duration.Minimum, duration.Maximum, value => value is TimeSpan span && duration.Contains(span));
            }
        }

        return null;
    }

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private sealed record DeclaredRange(string Minimum, string Maximum, Func<object, bool> Contains);
}
