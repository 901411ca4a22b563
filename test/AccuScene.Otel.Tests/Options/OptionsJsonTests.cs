using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel.Tests.Options;

public class OptionsJsonTests
{
    private static AccuSceneOptions Sample() => new()
    {
        Service = { Name = "collision-worker", Version = "1.2.3", Environment = "staging" },
        Exporters =
        {
            Console = { Enabled = true },
            Otlp = { Endpoint = new Uri("http://127.0.0.1:4317"), Protocol = "grpc", TimeoutMilliseconds = 5000, DiskRetry = { Enabled = true, Directory = "/var/lib/accuscene/otlp" } },
        },
        Metrics = { ExportIntervalMilliseconds = 2000 },
        Tracing = { SamplingRatio = 0.5, CollectHttp = false, PropagatedHeaders = { ["x-tenant-id"] = "accuscene.tenant.id" } },
    };

    [Test]
    public void SerializeThenDeserialize_GivesTheSameDocument()
    {
        var json = AccuSceneOptionsJson.Serialize(Sample());

        var again = AccuSceneOptionsJson.Serialize(AccuSceneOptionsJson.Deserialize(json));

        Assert.That(again, Is.EqualTo(json));
    }

    [Test]
    public void Serialize_IsShapedLikeAppSettingsAndBindsBack()
    {
        var json = AccuSceneOptionsJson.Serialize(Sample());
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();

        var bound = AccuSceneOptionsLoader.Load(configuration, configure: null);

        Assert.That(AccuSceneOptionsJson.Serialize(bound), Is.EqualTo(json));
        Assert.That(bound.Tracing.PropagatedHeaders["x-tenant-id"], Is.EqualTo("accuscene.tenant.id"));
    }

    [Test]
    public void Deserialize_RejectsUnknownProperties()
    {
        var ex = Assert.Throws<ArgumentException>(() => AccuSceneOptionsJson.Deserialize("""{ "AccuScene": { "Tracing": { "Sampling": 1 } } }"""));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("json"));
            Assert.That(ex.InnerException, Is.InstanceOf<JsonException>());
            Assert.That(ex.Message, Does.Contain("Sampling"));
        });
    }

    [Test]
    public void Deserialize_ValidatesValues()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => AccuSceneOptionsJson.Deserialize("""{ "AccuScene": { "Tracing": { "SamplingRatio": 3 } } }"""));

        Assert.That(ex!.Message, Does.Contain("AccuScene:Tracing:SamplingRatio"));
    }
}
