using AccuScene.Otel.Instrumentation.Events;

namespace AccuScene.Otel.Events;

/// <summary>
/// Reads an <c>accuscene.event.category</c> tag: one of the nine names (any case) or the enum itself gives its wire
/// name; any other text, or a value of another type (a number, say) as invariant text, gives <c>custom</c>, so
/// <c>/events?category=</c> can still select the event, and the text is kept as the event's
/// <c>accuscene.event.category</c> attribute.
/// </summary>
internal static class EventCategoryTag
{
    /// <param name="value">The tag's value.</param>
    /// <param name="given">The text when it is not a category name; else <see langword="null"/>.</param>
    /// <returns>The category's wire name, or <see langword="null"/> when there is no value.</returns>
    public static string? Read(object? value, out string? given)
    {
        given = null;
        switch (value)
        {
            case AccuSceneEventCategory category:
                return AccuSceneEvents.Name(category);
            case string text when AccuSceneEvents.TryParseCategory(text, out var known):
                return AccuSceneEvents.Name(known);
            case string text:
                given = text;
                return AccuSceneEvents.Name(AccuSceneEventCategory.Custom);
            case null:
                return null;
            default:
                given = Logging.LogRecordText.ToInvariantString(value);
                return AccuSceneEvents.Name(AccuSceneEventCategory.Custom);
        }
    }
}
