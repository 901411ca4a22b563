using AccuScene.Otel.Demo.Scenes;
using AccuScene.Otel.Demo.Simulation;
using Microsoft.Extensions.Configuration;

namespace AccuScene.Otel.Demo.Tests;

public class SceneStoreTests
{
    [Test]
    public async Task ADeletedScene_TakesItsVehiclesAndResultWithIt_AndGetsNoResultAfterwards()
    {
        var directory = Directory.CreateTempSubdirectory("accuscene-store-test-");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Demo:DatabasePath"] = Path.Combine(directory.FullName, "scenes.db") })
                .Build();
            using var store = new SceneStore(configuration);
            var scene = new Scene("scene-deleted", "Deleted", [new VehicleSpec("a", 1500, 0, 0, 10, 0), new VehicleSpec("b", 1500, 20, 0, 0, 0)]);
            await store.InsertSceneAsync(scene, CancellationToken.None);
            var result = Reconstruction.Result(scene.Id, Reconstruction.CreateWorld(scene), [], DateTimeOffset.UnixEpoch);
            await store.StoreResultAsync(result, CancellationToken.None);
            var stored = await store.FindResultAsync(scene.Id, CancellationToken.None);

            var deleted = await store.DeleteSceneAsync(scene.Id, CancellationToken.None);
            var again = await store.DeleteSceneAsync(scene.Id, CancellationToken.None);
            await store.StoreResultAsync(result, CancellationToken.None); // a reconstruction that finishes after the delete

            Assert.That(stored?.SceneId, Is.EqualTo(scene.Id), "a scene that exists gets its result");
            Assert.That((deleted, again), Is.EqualTo((true, false)));
            Assert.That(await store.FindSceneAsync(scene.Id, CancellationToken.None), Is.Null);
            Assert.That(await store.FindResultAsync(scene.Id, CancellationToken.None), Is.Null, "no result is left without its scene");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
