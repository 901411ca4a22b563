using System.Text.Json.Serialization;

namespace AccuScene.Otel.Alerts;

/// <summary>Source-generated JSON metadata of <see cref="AlertRule"/>, used to compare two rules setting by setting.</summary>
[JsonSerializable(typeof(AlertRule))]
internal sealed partial class AlertRuleJsonContext : JsonSerializerContext;
