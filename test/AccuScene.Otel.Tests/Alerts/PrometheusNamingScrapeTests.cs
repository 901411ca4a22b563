using System.Diagnostics.Metrics;
using AccuScene.Otel.Alerts.Prometheus;
using AccuScene.Otel.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>
/// The names the exported rules read are the names a real Prometheus stores: those of the exporter's OpenMetrics
/// scrape (Prometheus asks for OpenMetrics), taken here from the real exporter on a loopback port.
/// </summary>
[NonParallelizable]
public class PrometheusNamingScrapeTests
{
    private const string OpenMetrics = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private static readonly AlertInstrument[] Instruments =
    [
        new("naming.orders.subtotal", null, AlertInstrumentKind.Counter),
        new("naming.db.bytes_read", "By", AlertInstrumentKind.Counter),
        new("naming.db.bytes.total", "By", AlertInstrumentKind.Counter),
        new("naming.bytes.sent_total", "By", AlertInstrumentKind.Counter),
        new("naming.jobs.total", null, AlertInstrumentKind.Counter),
        new("naming.hits_total", "{hit}", AlertInstrumentKind.Counter),
        new("naming.cost", "$", AlertInstrumentKind.Counter),
        new("naming.upload.size", "KB", AlertInstrumentKind.Counter),
        new("naming.plain.size", "B", AlertInstrumentKind.Counter),
        new("naming.big", "TiBy", AlertInstrumentKind.Counter),
        new("naming.area", "m²", AlertInstrumentKind.Counter),
        new("naming.frames", "{frame}/s", AlertInstrumentKind.Counter),
        new("naming.mixed", "ms/min", AlertInstrumentKind.Counter),
        new("naming.a__b", null, AlertInstrumentKind.Counter),
        new("naming.x.seconds.spent", "s", AlertInstrumentKind.Histogram),
        new("naming.latency_total", "s", AlertInstrumentKind.Histogram),
        new("naming.queue.depth_total", "By", AlertInstrumentKind.UpDownCounter),
        new("naming.ratio", "1", AlertInstrumentKind.UpDownCounter),
    ];

    private static readonly string[] TagKeys = ["http.route", "5g.band", "a__b", "a..b", "a._b", "ü.x", "k:v", "_lead", string.Empty];

    [Test]
    [CancelAfter(30_000)]
    public async Task EveryNameAndLabel_IsOneTheExportersOpenMetricsScrapeHolds(CancellationToken cancellationToken)
    {
        var port = LoopbackPort.GetFree();
        using var meter = new Meter("AccuScene.Tests.PrometheusNaming");
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddPrometheusHttpListener(o => (o.Host, o.Port) = ("127.0.0.1", port))
            .Build();
        var tags = TagKeys.Select((key, i) => new KeyValuePair<string, object?>(key, $"v{i}")).ToArray();
        foreach (var instrument in Instruments)
        {
            switch (instrument.Kind)
            {
                case AlertInstrumentKind.Counter:
                    meter.CreateCounter<long>(instrument.Name, instrument.Unit).Add(1, tags);
                    break;
                case AlertInstrumentKind.UpDownCounter:
                    meter.CreateUpDownCounter<long>(instrument.Name, instrument.Unit).Add(1, tags);
                    break;
                default:
                    meter.CreateHistogram<double>(instrument.Name, instrument.Unit).Record(1, tags);
                    break;
            }
        }

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/metrics"));
        request.Headers.TryAddWithoutValidation("Accept", OpenMetrics);
        using var response = await http.SendAsync(request, cancellationToken);
        var scrape = await response.Content.ReadAsStringAsync(cancellationToken);
        var samples = scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
        var names = samples.Select(l => l[..l.IndexOfAny(['{', ' '])]).ToHashSet(StringComparer.Ordinal);

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/openmetrics-text"));
        Assert.Multiple(() =>
        {
            foreach (var instrument in Instruments)
            {
                var name = PrometheusNaming.MetricName(instrument);
                var sample = instrument.Kind == AlertInstrumentKind.Histogram ? name + "_count" : name;
                Assert.That(names, Does.Contain(sample), $"{instrument.Name} in '{instrument.Unit}'");
            }

            var counter = samples.First(l => l.StartsWith(PrometheusNaming.MetricName(Instruments[0]) + "{", StringComparison.Ordinal));
            for (var i = 0; i < TagKeys.Length; i++)
            {
                // Two keys that clean to one label ("a..b", "ü.x"...) are merged by the exporter: only distinct labels are held to it.
                var label = PrometheusNaming.LabelName(TagKeys[i]);
                Assert.That(counter, Does.Contain($"{label}=\"").And.Contain($"v{i}"), $"tag key '{TagKeys[i]}' as label '{label}'");
            }
        });
    }
}
