using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Instrumentation.Events;

/// <summary>
/// Records structured events as standard signals: an <see cref="ILogger"/> record or an <see cref="Activity"/>
/// event carrying <c>event.name</c> and <c>accuscene.event.category</c>. The SDK's event-capture processors
/// store them for queries; the records and spans themselves are exported once, like any other.
/// </summary>
public static class AccuSceneEvents
{
    /// <summary>The attribute that holds the category (<c>simulation</c>, <c>database</c>, …).</summary>
    public const string CategoryAttribute = "accuscene.event.category";

    /// <summary>The attribute that holds the event name, as in the OpenTelemetry semantic conventions.</summary>
    public const string NameAttribute = "event.name";

    private static readonly string[] CategoryNames = ["system", "application", "user_action", "simulation", "database", "cache", "api", "security", "custom"];

    /// <summary>The wire name of <paramref name="category"/>: <c>system</c>, <c>user_action</c>, …</summary>
    /// <param name="category">The category.</param>
    /// <returns>Its lower-case name.</returns>
    public static string Name(AccuSceneEventCategory category) =>
        (uint)category < (uint)CategoryNames.Length ? CategoryNames[(int)category] : "custom";

    /// <summary>Parses a category's wire name (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <param name="category">The category, when known.</param>
    /// <returns>Whether the name is a category.</returns>
    public static bool TryParseCategory(string? name, out AccuSceneEventCategory category)
    {
        for (var i = 0; i < CategoryNames.Length; i++)
        {
            if (string.Equals(CategoryNames[i], name, StringComparison.OrdinalIgnoreCase))
            {
                category = (AccuSceneEventCategory)i;
                return true;
            }
        }

        category = AccuSceneEventCategory.Custom;
        return false;
    }

    /// <summary>The log level an event of <paramref name="severity"/> is logged at.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>The matching level.</returns>
    public static LogLevel ToLogLevel(AccuSceneEventSeverity severity) => severity switch
    {
        AccuSceneEventSeverity.Debug => LogLevel.Debug,
        AccuSceneEventSeverity.Info => LogLevel.Information,
        AccuSceneEventSeverity.Warning => LogLevel.Warning,
        AccuSceneEventSeverity.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    /// <summary>The severity of a record logged at <paramref name="level"/>.</summary>
    /// <param name="level">The level.</param>
    /// <returns>The matching severity.</returns>
    public static AccuSceneEventSeverity FromLogLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => AccuSceneEventSeverity.Debug,
        LogLevel.Information => AccuSceneEventSeverity.Info,
        LogLevel.Warning => AccuSceneEventSeverity.Warning,
        LogLevel.Error => AccuSceneEventSeverity.Error,
        _ => AccuSceneEventSeverity.Critical,
    };

    /// <summary>
    /// Logs an event through <paramref name="logger"/> at the level of <paramref name="severity"/>. The record's
    /// attributes are <c>event.name</c>, <c>accuscene.event.category</c> and <paramref name="attributes"/>; its
    /// message is <paramref name="message"/>, which is not a template. Nothing happens when the logger's
    /// filters turn that level off for its category.
    /// </summary>
    /// <param name="logger">The logger.</param>
    /// <param name="category">What the event is about.</param>
    /// <param name="severity">How serious it is.</param>
    /// <param name="name">A stable name, for example <c>collision.detected</c>.</param>
    /// <param name="message">A human-readable message.</param>
    /// <param name="attributes">More attributes, for example the scene id.</param>
    public static void RecordEvent(
        this ILogger logger,
        AccuSceneEventCategory category,
        AccuSceneEventSeverity severity,
        string name,
        string message,
        params ReadOnlySpan<KeyValuePair<string, object?>> attributes)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var level = ToLogLevel(severity);
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var state = new EventState(name, Name(category), message, attributes);
        logger.Log(level, new EventId(0, name), state, null, static (s, _) => s.Message);
    }

    /// <summary>Adds an event to <paramref name="activity"/> (a span event) with the event's name and category.</summary>
    /// <param name="activity">The span; nothing happens when it is <see langword="null"/>.</param>
    /// <param name="category">What the event is about.</param>
    /// <param name="name">A stable name.</param>
    /// <param name="tags">More tags.</param>
    /// <returns>The same span.</returns>
    public static Activity? AddEvent(this Activity? activity, AccuSceneEventCategory category, string name, ActivityTagsCollection? tags = null)
    {
        if (activity is null)
        {
            return null;
        }

        var all = tags is null ? [] : new ActivityTagsCollection(tags);
        all[CategoryAttribute] = Name(category);
        return activity.AddEvent(new ActivityEvent(name, tags: all));
    }

    /// <summary>The state of an event's log record: its attributes, then the message as the original format.</summary>
    private sealed class EventState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _items;

        public EventState(string name, string category, string message, ReadOnlySpan<KeyValuePair<string, object?>> attributes)
        {
            this.Message = message;
            _items = new KeyValuePair<string, object?>[attributes.Length + 3];
            _items[0] = new(NameAttribute, name);
            _items[1] = new(CategoryAttribute, category);
            attributes.CopyTo(_items.AsSpan(2));
            _items[^1] = new("{OriginalFormat}", message);
        }

        public string Message { get; }

        public int Count => _items.Length;

        public KeyValuePair<string, object?> this[int index] => _items[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => this.GetEnumerator();

        public override string ToString() => this.Message;
    }
}
