using System.Text.Json.Serialization;

namespace AccuScene.Otel.Health;

/// <summary>
/// Source-generated metadata of <see cref="AccuSceneHealthCheckOptions"/>, through which a schedule given in code is
/// held to the range attributes that <c>AccuScene:Health:Checks:&lt;name&gt;</c> is held to.
/// </summary>
[JsonSerializable(typeof(AccuSceneHealthCheckOptions))]
internal sealed partial class HealthScheduleJsonContext : JsonSerializerContext;
