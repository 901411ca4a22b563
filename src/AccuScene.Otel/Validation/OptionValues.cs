using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel;

/// <summary>
/// Explains a value the configuration binder could not convert. The binder's own message names the value, the key
/// and a CLR type (<c>Failed to convert configuration value 'ten' at 'AccuScene:Dashboard:MaxStreams' to type
/// 'System.Int32'</c>), stops at the first such value, and echoes a URL whole; this one says what the option takes,
/// with its range, and the value as written (cut, and never a URL's), for every such value:
/// <c>AccuScene:Dashboard:MaxStreams must be a whole number between 1 and 1000; it is 'ten'.</c>
/// </summary>
internal static class OptionValues
{
    private const int MaxShown = 64;

    /// <summary>
    /// The messages for the values under <paramref name="section"/> that cannot be converted to their option's type.
    /// <paramref name="fallback"/> (the binder's own message) comes first when <paramref name="binderError"/> is not a
    /// conversion error (an unknown key, which the binder reports before converting anything). A conversion error whose
    /// value this check cannot find is reported without the value.
    /// </summary>
    /// <param name="section">The configuration the binder read.</param>
    /// <param name="typeInfo">The source-generated metadata of the bound type.</param>
    /// <param name="path">The key of <paramref name="section"/> as the messages name it.</param>
    /// <param name="binderError">What the binder threw.</param>
    /// <param name="fallback">The binder's message as the caller words it, given when the error is not a conversion.</param>
    public static List<string> Explain(IConfiguration section, JsonTypeInfo typeInfo, string path, InvalidOperationException binderError, string fallback)
    {
        var failures = new List<string>();
        if (binderError.InnerException is not (FormatException or OverflowException or ArgumentException))
        {
            failures.Add(fallback);
        }

        Walk(section, typeInfo, property: null, path, failures, depth: 0);
        if (failures.Count == 0)
        {
            // A conversion this check does not know: the binder's message would echo the value, which may be a secret.
            failures.Add($"A value under {path} could not be converted to its option's type.");
        }

        return failures;
    }

    private static void Walk(IConfiguration node, JsonTypeInfo info, JsonPropertyInfo? property, string path, List<string> failures, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var child in node.GetChildren())
                {
                    // Unknown keys are reported by OptionKeys; only known ones are converted.
                    if (info.Properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase)) is { } known
                        && info.Options.TryGetTypeInfo(known.PropertyType, out var childInfo))
                    {
                        Walk(child, childInfo, known, $"{path}:{child.Key}", failures, depth + 1);
                    }
                }

                break;
            case JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable when info.ElementType is { } elementType
                && info.Options.TryGetTypeInfo(elementType, out var elementInfo):
                foreach (var entry in node.GetChildren())
                {
                    Walk(entry, elementInfo, property: null, $"{path}:{entry.Key}", failures, depth + 1);
                }

                break;
            // An empty value is no value: the binder leaves the option as it was.
            case JsonTypeInfoKind.None when node is IConfigurationSection { Value: { Length: > 0 } value } && Expected(info.Type, value) is { } expected:
                var range = property is null ? null : OptionRanges.Describe(property);
                failures.Add($"{path} must be {expected}{(range is null ? "" : " " + range)}; it is {Shown(info.Type, value)}.");
                break;
        }
    }

    // What a value of this type must look like, or null when the value converts as the binder converts it.
    private static string? Expected(Type type, string value)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var invariant = CultureInfo.InvariantCulture;
        return target switch
        {
            _ when target == typeof(string) => null,
            _ when target == typeof(int) => int.TryParse(value, NumberStyles.Integer, invariant, out _) ? null : "a whole number",
            _ when target == typeof(long) => long.TryParse(value, NumberStyles.Integer, invariant, out _) ? null : "a whole number",
            _ when target == typeof(double) => double.TryParse(value, NumberStyles.Float, invariant, out _) ? null : "a number",
            _ when target == typeof(bool) => bool.TryParse(value, out _) ? null : "true or false",
            _ when target == typeof(TimeSpan) => TimeSpan.TryParse(value, invariant, out _) ? null : "a duration ([d.]hh:mm:ss[.fff], such as 00:00:30)",
            _ when target.IsEnum => Enum.TryParse(target, value, ignoreCase: true, out _) ? null : OneOf(Enum.GetNames(target)),
            _ when target == typeof(Uri) => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _) ? null : "a URL",
            _ => null,
        };
    }

    private static string OneOf(string[] names) =>
        names.Length < 2 ? string.Concat(names) : $"one of {string.Join(", ", names[..^1])} or {names[^1]}";

    // The value as written, cut; a URL is not shown, since it can carry credentials.
    private static string Shown(Type type, string value) =>
        (Nullable.GetUnderlyingType(type) ?? type) == typeof(Uri) ? "something else (not shown, since a URL can carry credentials)"
        : value.Length <= MaxShown ? $"'{value}'"
        : string.Create(CultureInfo.InvariantCulture, $"'{value[..MaxShown]}…' ({value.Length} characters)");
}
