namespace AccuScene.Otel.Instrumentation.Events;

/// <summary>How serious an event is.</summary>
public enum AccuSceneEventSeverity
{
    /// <summary>Detail for developers.</summary>
    Debug,

    /// <summary>Something happened as expected.</summary>
    Info,

    /// <summary>Something unexpected that the service handled.</summary>
    Warning,

    /// <summary>An operation failed.</summary>
    Error,

    /// <summary>The service cannot go on as it should.</summary>
    Critical,
}

/// <summary>What an event is about.</summary>
public enum AccuSceneEventCategory
{
    /// <summary>The process and its dependencies: start, stop, health.</summary>
    System,

    /// <summary>The application's own logic.</summary>
    Application,

    /// <summary>Something a user did.</summary>
    UserAction,

    /// <summary>Simulation runs, collisions, steps.</summary>
    Simulation,

    /// <summary>Database operations.</summary>
    Database,

    /// <summary>Cache operations: hits, misses, evictions.</summary>
    Cache,

    /// <summary>API requests.</summary>
    Api,

    /// <summary>Authentication, authorisation, suspicious input.</summary>
    Security,

    /// <summary>Anything else.</summary>
    Custom,
}
