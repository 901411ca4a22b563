namespace AccuScene.Otel.Instrumentation;

/// <summary>
/// Attribute names used on AccuScene spans. OpenTelemetry semantic-convention names are used where one
/// exists; the rest live under <c>accuscene.*</c>.
/// </summary>
public static class AccuSceneAttributes
{
    /// <summary><c>accuscene.scene.id</c>: the accident scene being reconstructed.</summary>
    public const string SceneId = "accuscene.scene.id";

    /// <summary><c>accuscene.session.id</c>: the user or batch session that asked for the work.</summary>
    public const string SessionId = "accuscene.session.id";

    /// <summary><c>accuscene.simulation.vehicle_count</c>: vehicles in a simulation run.</summary>
    public const string SimulationVehicleCount = "accuscene.simulation.vehicle_count";

    /// <summary><c>accuscene.simulation.step</c>: the index of a simulation step.</summary>
    public const string SimulationStep = "accuscene.simulation.step";

    /// <summary><c>accuscene.simulation.timestep_s</c>: the fixed timestep in seconds.</summary>
    public const string SimulationTimestep = "accuscene.simulation.timestep_s";

    /// <summary><c>accuscene.cache.name</c>: the logical cache.</summary>
    public const string CacheName = "accuscene.cache.name";

    /// <summary><c>accuscene.cache.operation</c>: get, set, remove.</summary>
    public const string CacheOperation = "accuscene.cache.operation";

    /// <summary><c>accuscene.cache.hit</c>: whether a lookup hit.</summary>
    public const string CacheHit = "accuscene.cache.hit";

    /// <summary><c>db.system.name</c> (semantic conventions).</summary>
    public const string DbSystemName = "db.system.name";

    /// <summary><c>db.operation.name</c> (semantic conventions).</summary>
    public const string DbOperationName = "db.operation.name";

    /// <summary><c>db.collection.name</c> (semantic conventions).</summary>
    public const string DbCollectionName = "db.collection.name";

    /// <summary><c>db.query.text</c> (semantic conventions); callers pass parameterised text only.</summary>
    public const string DbQueryText = "db.query.text";

    /// <summary><c>http.request.method</c> (semantic conventions).</summary>
    public const string HttpRequestMethod = "http.request.method";

    /// <summary><c>http.route</c> (semantic conventions).</summary>
    public const string HttpRoute = "http.route";

    /// <summary><c>http.response.status_code</c> (semantic conventions).</summary>
    public const string HttpResponseStatusCode = "http.response.status_code";

    /// <summary><c>error.type</c> (semantic conventions).</summary>
    public const string ErrorType = "error.type";
}
