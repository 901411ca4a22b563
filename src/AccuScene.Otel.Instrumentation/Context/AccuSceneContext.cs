using System.Diagnostics;

namespace AccuScene.Otel.Instrumentation;

/// <summary>
/// The scene and session a piece of work belongs to. Values live in the current
/// <see cref="Activity"/>'s baggage (keys <see cref="AccuSceneAttributes.SceneId"/> and
/// <see cref="AccuSceneAttributes.SessionId"/>), so <c>AddAccuScene()</c> sends them downstream both
/// as W3C <c>baggage</c> and as the <c>x-accuscene-*</c> headers.
/// </summary>
public static class AccuSceneContext
{
    /// <summary>Gets the scene id of the current activity chain, if any.</summary>
    public static string? CurrentSceneId => Activity.Current?.GetBaggageItem(AccuSceneAttributes.SceneId);

    /// <summary>Gets the session id of the current activity chain, if any.</summary>
    public static string? CurrentSessionId => Activity.Current?.GetBaggageItem(AccuSceneAttributes.SessionId);

    /// <summary>
    /// Tags the current activity with the scene (and session) and puts them in its baggage.
    /// </summary>
    /// <param name="sceneId">The scene id.</param>
    /// <param name="sessionId">The session id, if known.</param>
    /// <returns><see langword="false"/> when there is no current activity to carry them.</returns>
    public static bool SetCurrent(string sceneId, string? sessionId = null)
    {
        var activity = Activity.Current;
        if (activity is null)
        {
            return false;
        }

        Apply(activity, sceneId, sessionId);
        return true;
    }

    internal static void Apply(Activity activity, string sceneId, string? sessionId)
    {
        Carry(activity, sceneId, sessionId);
        activity.SetTag(AccuSceneAttributes.SceneId, sceneId);
        if (sessionId is not null)
        {
            activity.SetTag(AccuSceneAttributes.SessionId, sessionId);
        }
    }

    /// <summary>Puts the ids in <paramref name="activity"/>'s baggage only: they travel, and nothing records them on it.</summary>
    internal static void Carry(Activity activity, string sceneId, string? sessionId)
    {
        ArgumentNullException.ThrowIfNull(sceneId);
        activity.SetBaggage(AccuSceneAttributes.SceneId, sceneId);
        if (sessionId is not null)
        {
            activity.SetBaggage(AccuSceneAttributes.SessionId, sessionId);
        }
    }
}
