namespace AccuScene.Otel.Alerts;

/// <summary>Label sets as Alertmanager tells alerts apart: the same keys with the same values, in any order.</summary>
internal static class LabelSets
{
    public static bool Equal(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(label => b.TryGetValue(label.Key, out var value) && string.Equals(value, label.Value, StringComparison.Ordinal));
}
