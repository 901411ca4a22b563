using Microsoft.Extensions.Logging;

namespace AccuScene.Otel;

/// <summary>What the options pipeline says when a reload is applied or refused.</summary>
internal static partial class AccuSceneOptionsLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "A configuration reload was refused and the previous AccuScene options stay in effect: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, Exception exception, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Alert rules reloaded: {Count} rule(s) in effect.")]
    public static partial void RulesReloaded(ILogger logger, int count);
}
