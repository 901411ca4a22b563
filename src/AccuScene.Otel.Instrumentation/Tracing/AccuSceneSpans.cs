using System.Diagnostics;

namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>
/// Starts the spans of the AccuScene domain on <see cref="AccuSceneTelemetry.ActivitySource"/>.
/// Each method returns <see langword="null"/> when nobody listens, exactly like
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>, but for <see cref="StartSimulationRun"/> under
/// a parent that is not recorded, which returns the unrecorded activity that carries the run's ids.
/// </summary>
public static class AccuSceneSpans
{
    /// <summary>Span name of a simulation run.</summary>
    public const string SimulationRunName = "simulation.run";

    /// <summary>Span name of a simulation step (or a batch of steps).</summary>
    public const string SimulationStepName = "simulation.step";

    /// <summary>Span name of a scene load.</summary>
    public const string SceneLoadName = "scene.load";

    /// <summary>
    /// Starts a simulation run. The scene id (and session id, when given) also go into the
    /// Activity's baggage, so they travel to every downstream service. When no run span starts (its trace is
    /// not sampled, or nothing listens) under a current activity that is not recorded (a request's, say), the ids go
    /// on an activity of the run's own that nothing records (<see cref="Activity.IsAllDataRequested"/> false), a
    /// child of the current one with its unsampled trace flags, returned in the span's place: sampling decides what
    /// is recorded, not what travels, and the ids end with the run instead of staying on the request, where a
    /// sibling run would read or overwrite them. Under a recorded parent (a sampler that drops runs by name, the
    /// source not added), a child of the run's own would be a span no backend receives, the parent of every span
    /// below it: there the ids go on the parent (tags and baggage), as they do under a parent with hierarchical ids.
    /// </summary>
    /// <param name="sceneId">The scene being reconstructed.</param>
    /// <param name="vehicleCount">The number of vehicles simulated.</param>
    /// <param name="sessionId">The session that asked for the run, if known.</param>
    /// <returns>
    /// The started activity; the unrecorded one that carries the ids when the span was not started under a current
    /// activity that is not recorded; otherwise <see langword="null"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="sceneId"/> is <see langword="null"/>; nothing is started.</exception>
    public static Activity? StartSimulationRun(string sceneId, int vehicleCount, string? sessionId = null)
    {
        // Checked before anything starts: a throw after StartActivity would leave the span as Activity.Current.
        ArgumentNullException.ThrowIfNull(sceneId);
        var activity = AccuSceneTelemetry.ActivitySource.StartActivity(SimulationRunName, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(AccuSceneAttributes.SimulationVehicleCount, vehicleCount);
            AccuSceneContext.Apply(activity, sceneId, sessionId);
            return activity;
        }

        var parent = Activity.Current;
        if (parent is null)
        {
            return null;
        }

        if (parent.Recorded || parent.IdFormat != ActivityIdFormat.W3C)
        {
            AccuSceneContext.Apply(parent, sceneId, sessionId);
            return null;
        }

        // Not from the source, so no listener sees it; it inherits the parent's trace id and unsampled flags.
        var carrier = new Activity(SimulationRunName) { IsAllDataRequested = false }.Start();
        AccuSceneContext.Carry(carrier, sceneId, sessionId);
        return carrier;
    }

    /// <summary>Starts one simulation step, or a batch of steps starting at <paramref name="step"/>.</summary>
    /// <param name="step">The index of the (first) step.</param>
    /// <param name="timestepSeconds">The fixed timestep in seconds.</param>
    /// <returns>The started activity, or <see langword="null"/>.</returns>
    public static Activity? StartSimulationStep(long step, double timestepSeconds)
    {
        var activity = AccuSceneTelemetry.ActivitySource.StartActivity(SimulationStepName, ActivityKind.Internal);
        activity?.SetTag(AccuSceneAttributes.SimulationStep, step);
        activity?.SetTag(AccuSceneAttributes.SimulationTimestep, timestepSeconds);
        return activity;
    }

    /// <summary>Starts loading a scene.</summary>
    /// <param name="sceneId">The scene to load.</param>
    /// <returns>The started activity, or <see langword="null"/>.</returns>
    public static Activity? StartSceneLoad(string sceneId)
    {
        var activity = AccuSceneTelemetry.ActivitySource.StartActivity(SceneLoadName, ActivityKind.Internal);
        activity?.SetTag(AccuSceneAttributes.SceneId, sceneId);
        return activity;
    }

    /// <summary>
    /// Starts a client span for a database call, named <c>{operation} {collection}</c> as the
    /// database semantic conventions ask.
    /// </summary>
    /// <param name="system">The <c>db.system.name</c>, for example <c>sqlite</c> or <c>postgresql</c>.</param>
    /// <param name="operation">The <c>db.operation.name</c>, for example <c>SELECT</c>.</param>
    /// <param name="collection">The table or collection, if known.</param>
    /// <param name="queryText">
    /// The query's text, best parameterised. It is recorded as <c>db.query.text</c> with every literal replaced by
    /// <c>?</c> and comments removed, as the conventions ask, so a value written into the text does not reach the
    /// telemetry; parameters stay as written. Text past 16,384 characters is cut off, and the cut marked with <c>…</c>.
    /// </param>
    /// <returns>The started activity, or <see langword="null"/>.</returns>
    public static Activity? StartDatabaseQuery(string system, string operation, string? collection = null, string? queryText = null)
    {
        var source = AccuSceneTelemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        // Named "{operation} {collection}", else by whichever is known, else by the system, as the conventions ask.
        var op = string.IsNullOrEmpty(operation) ? null : operation;
        var target = string.IsNullOrEmpty(collection) ? null : collection;
        var name = (op, target) switch
        {
            (not null, not null) => string.Concat(op, " ", target),
            (not null, null) => op,
            (null, not null) => target,
            _ => string.IsNullOrEmpty(system) ? "db" : system,
        };

        // The attributes a sampler may decide on are given at the start, as the conventions ask, the query text among
        // them. Under a local parent that is not recorded, the usual (parent-based) sampler drops the span whatever
        // its tags, so the text is sanitised there only for a span that is kept.
        var early = queryText is not null && Activity.Current is not { Recorded: false };
        var tags = Known(
            new(SemanticConventions.DbSystemName, string.IsNullOrEmpty(system) ? null : system),
            new(SemanticConventions.DbOperationName, op),
            new(SemanticConventions.DbCollectionName, target),
            new(SemanticConventions.DbQueryText, early ? DbQueryTextSanitizer.Sanitize(queryText!, system) : null));
        var activity = source.StartActivity(name, ActivityKind.Client, default(ActivityContext), tags);
        if (activity is { IsAllDataRequested: true } && queryText is not null && !early)
        {
            activity.SetTag(SemanticConventions.DbQueryText, DbQueryTextSanitizer.Sanitize(queryText, system));
        }

        return activity;
    }

    /// <summary>Starts a client span for a cache call, named <c>cache.{operation}</c>.</summary>
    /// <param name="cacheName">The logical cache, for example <c>scenes</c>.</param>
    /// <param name="operation">The operation: get, set or remove.</param>
    /// <returns>The started activity, or <see langword="null"/>.</returns>
    public static Activity? StartCacheOperation(string cacheName, string operation)
    {
        var source = AccuSceneTelemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        return source.StartActivity(
            string.IsNullOrEmpty(operation) ? "cache" : string.Concat("cache.", operation),
            ActivityKind.Client,
            default(ActivityContext),
            Known(new(AccuSceneAttributes.CacheName, cacheName), new(AccuSceneAttributes.CacheOperation, operation), default));
    }

    /// <summary>
    /// Starts a server span for an API request handled outside ASP.NET Core (which has its own),
    /// named <c>{method} {route}</c> as the HTTP semantic conventions ask. A method they do not know is
    /// recorded as <c>_OTHER</c> (the span is then named <c>HTTP {route}</c>) with the original in
    /// <c>http.request.method_original</c>; a known one in another case is recorded as the known methods spell it
    /// (upper case for the defaults; <c>OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS</c> replaces them).
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="route">The route template, for example <c>/scenes/{id}</c>.</param>
    /// <param name="parent">The extracted remote parent, if any.</param>
    /// <param name="path">
    /// The request's path (<c>url.path</c>, which the conventions require); a query or fragment given with it is left
    /// out, as its values may be secrets. <see langword="null"/>: not recorded.
    /// </param>
    /// <param name="scheme">The request's <c>url.scheme</c>, <c>http</c> or <c>https</c> in any case; recorded in lower case (another value is left off).</param>
    /// <returns>The started activity, or <see langword="null"/>.</returns>
    public static Activity? StartApiRequest(string method, string route, ActivityContext parent = default, string? path = null, string scheme = "http")
    {
        var source = AccuSceneTelemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        var normalized = HttpMethods.Normalize(method);
        // No route: the span is named by the method alone, as the conventions ask (not "GET " with a trailing space).
        var name = normalized == HttpMethods.Other ? "HTTP" : normalized;
        // The attributes a sampler may decide on are given at the start, as the conventions ask.
        var tags = Known(
            new(SemanticConventions.HttpRequestMethod, normalized),
            new(SemanticConventions.HttpRequestMethodOriginal, string.Equals(normalized, method, StringComparison.Ordinal) ? null : method),
            new(SemanticConventions.HttpRoute, route),
            new(SemanticConventions.UrlScheme, LowerScheme(scheme)),
            new(SemanticConventions.UrlPath, WithoutQuery(path)));
        return source.StartActivity(string.IsNullOrEmpty(route) ? name : string.Concat(name, " ", route), ActivityKind.Server, parent, tags);
    }

    // The two schemes an HTTP server request has (as ApiMetrics reads them); anything else is left off.
    private static string? LowerScheme(string? scheme) =>
        string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase) ? "http"
        : string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? "https"
        : null;

    private static string? WithoutQuery(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var end = path.AsSpan().IndexOfAny('?', '#');
        return end < 0 ? path : end == 0 ? null : path[..end];
    }

    /// <summary>
    /// Records <paramref name="exception"/> on <paramref name="activity"/> as an <c>exception</c> span event,
    /// sets <c>error.type</c> and marks the span as failed.
    /// </summary>
    /// <param name="activity">The span, or <see langword="null"/> (then nothing happens).</param>
    /// <param name="exception">The exception.</param>
    public static void RecordFailure(this Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is null)
        {
            return;
        }

        var type = exception.GetType().FullName;
        string? description;
        try
        {
            description = exception.Message;
            activity.AddException(exception);
        }
        catch (Exception unreadable) when (unreadable is not OutOfMemoryException)
        {
            // An exception whose Message or ToString() throws is still recorded, by its type.
            description = null;
            activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
            {
                ["exception.type"] = type,
                ["exception.message"] = $"(its Message or ToString() threw {unreadable.GetType().Name})",
            }));
        }

        activity.SetTag(SemanticConventions.ErrorType, type);
        activity.SetStatus(ActivityStatusCode.Error, description);
    }

    // The tags a span starts with, those without a value left out (a sampler sees what the span will carry).
    private static KeyValuePair<string, object?>[] Known(KeyValuePair<string, object?> first, KeyValuePair<string, object?> second, KeyValuePair<string, object?> third, KeyValuePair<string, object?> fourth = default, KeyValuePair<string, object?> fifth = default)
    {
        ReadOnlySpan<KeyValuePair<string, object?>> given = [first, second, third, fourth, fifth];
        var count = 0;
        foreach (var tag in given)
        {
            count += tag.Value is null ? 0 : 1;
        }

        var tags = new KeyValuePair<string, object?>[count];
        var next = 0;
        foreach (var tag in given)
        {
            if (tag.Value is not null)
            {
                tags[next++] = tag;
            }
        }

        return tags;
    }
}
