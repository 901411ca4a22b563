using System.Globalization;

namespace AccuScene.Otel.Redaction;

/// <summary>Validation of <c>AccuScene:Redaction</c>.</summary>
internal static class RedactionOptionsValidation
{
    public static void Validate(AccuSceneRedactionOptions redaction, string root, List<string> failures)
    {
        if (redaction.Keys is not { } keys)
        {
            return;
        }

        if (keys.Count > 64)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{root}:Redaction:Keys must list at most 64 keys; it lists {keys.Count}."));
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (Redactor.Normalize(keys[i]).Length == 0)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{root}:Redaction:Keys:{i} must contain a letter or digit; it is '{keys[i]}'."));
            }
        }
    }
}
