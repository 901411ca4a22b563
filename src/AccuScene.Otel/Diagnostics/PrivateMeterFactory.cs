using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Diagnostics;

/// <summary>
/// Gives the SDK's own HTTP clients (alert webhooks, Alertmanager) meters nobody listens to: .NET's handler would
/// otherwise record their requests on the <c>System.Net.Http</c> meter, in the app's <c>http.client.*</c> metrics,
/// its percentiles and its dashboard, where a collector that stops answering would show as the app's own latency.
/// The meters are named outside every pattern AccuScene subscribes to (only an app's <c>AddMeter("*")</c> would
/// collect them), and the percentiles listener skips this factory's scope.
/// </summary>
internal sealed class PrivateMeterFactory : IMeterFactory
{
    private const string NamePrefix = "AccuSceneOtelPrivate/";
    private readonly List<Meter> _meters = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(NamePrefix + options.Name) { Version = options.Version, Scope = this });
        lock (_gate)
        {
            if (_disposed)
            {
                meter.Dispose();
            }
            else
            {
                _meters.Add(meter);
            }
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
