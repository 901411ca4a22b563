namespace AccuScene.Otel.Health;

/// <summary>
/// A value a health check's factory resolves on its first run and keeps: <c>HealthCheckService</c> calls the
/// factory on every run, in a scope of its own, so a data source created there would be a new connection pool
/// each time. A failed or <see langword="null"/> resolution is tried again on the next run.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
internal sealed class ResolvedOnce<T>(Func<IServiceProvider, T> resolve)
    where T : class
{
    private readonly Lock _gate = new();
    private T? _value;

    public T Get(IServiceProvider services)
    {
        if (Volatile.Read(ref _value) is { } value)
        {
            return value;
        }

        lock (_gate)
        {
            if (_value is null && resolve(services) is { } resolved)
            {
                Volatile.Write(ref _value, resolved);
            }

            return _value!;
        }
    }
}
