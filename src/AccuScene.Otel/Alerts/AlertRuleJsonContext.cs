using System.Text.Json.Serialization;

namespace AccuScene.Otel.Alerts;

/// <summary>Source-generated JSON metadata of <see cref="AlertRule"/>, used to compare two rules setting by setting and to explain a rules file's unreadable values.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)] // an UpperThreshold of +∞ is valid
[JsonSerializable(typeof(AlertRule))]
internal sealed partial class AlertRuleJsonContext : JsonSerializerContext;
