using AccuScene.Otel;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Microsoft.Extensions.Logging;

/// <summary>AccuScene extensions of <see cref="ILoggingBuilder"/>.</summary>
public static class AccuSceneLoggingBuilderExtensions
{
    /// <summary>
    /// Sends ILogger records to OpenTelemetry with the AccuScene resource and exporters. Records carry the
    /// trace and span id of the current Activity, scopes, the template, attributes, the formatted message
    /// and exceptions. Options come from <c>AccuScene__*</c> environment variables.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <returns>The same builder.</returns>
    public static ILoggingBuilder AddAccuScene(this ILoggingBuilder builder) =>
        AddAccuScene(builder, configure: null);

    /// <summary>
    /// Like <see cref="AddAccuScene(ILoggingBuilder)"/>, then applies <paramref name="configure"/> to the
    /// options before they are validated.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Changes to the options, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names its key.</exception>
    public static ILoggingBuilder AddAccuScene(this ILoggingBuilder builder, Action<AccuSceneOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure);
        return AddAccuScene(builder, options);
    }

    internal static ILoggingBuilder AddAccuScene(ILoggingBuilder builder, AccuSceneOptions options)
    {
        AccuSceneExporterWiring.AddDiskRetry(builder.Services, options.Exporters.Otlp.DiskRetry);
        builder.AddOpenTelemetry(o => ConfigureLoggerOptions(o, options));
        builder.Services.ConfigureOpenTelemetryLoggerProvider(b => AddAccuSceneCore(b, options));
        return builder;
    }

    internal static void ConfigureLoggerOptions(OpenTelemetryLoggerOptions target, AccuSceneOptions options)
    {
        target.IncludeScopes = options.Logging.IncludeScopes;
        target.IncludeFormattedMessage = options.Logging.IncludeFormattedMessage;
        target.ParseStateValues = true;
    }

    internal static LoggerProviderBuilder AddAccuSceneCore(LoggerProviderBuilder builder, AccuSceneOptions options)
    {
        builder.ConfigureResource(r => r.AddDetector(sp => new AccuSceneResourceDetector(options.Service, sp.GetService<IConfiguration>())));
        if (options.Exporters.Console.Enabled)
        {
            builder.AddConsoleExporter();
        }

        if (AccuSceneExporterWiring.IsOtlpEnabled(options.Exporters.Otlp))
        {
            builder.AddOtlpExporter(o => AccuSceneExporterWiring.Configure(o, options.Exporters.Otlp, "v1/logs"));
        }

        return builder;
    }
}
