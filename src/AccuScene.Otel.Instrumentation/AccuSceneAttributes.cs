namespace AccuScene.Otel.Instrumentation;

/// <summary>
/// The <c>accuscene.*</c> attribute names of AccuScene spans, metrics and baggage. Where the OpenTelemetry
/// semantic conventions name an attribute (<c>db.system.name</c>, <c>http.route</c>, <c>error.type</c>, …), that
/// name is used and not republished here.
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
}
