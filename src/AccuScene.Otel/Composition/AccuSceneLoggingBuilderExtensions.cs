using AccuScene.Otel;
using AccuScene.Otel.Events;
using AccuScene.Otel.Exporters;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Redaction;
using AccuScene.Otel.Resources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
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
    /// <exception cref="InvalidOperationException"><c>services.AddAccuScene()</c>, which wires logging too, or a call with a delegate already wired logging on these services.</exception>
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
    /// <exception cref="InvalidOperationException">Logging is already wired on these services (by <c>services.AddAccuScene()</c> or another call), so these options would be ignored.</exception>
    public static ILoggingBuilder AddAccuScene(this ILoggingBuilder builder, Action<AccuSceneOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = AccuSceneOptionsLoader.Load(AccuSceneOptionsLoader.EnvironmentConfiguration(), configure);
        EndpointAccess.Register(builder.Services, options);
        return AddAccuScene(builder, options, configured: configure is not null);
    }

    internal static ILoggingBuilder AddAccuScene(ILoggingBuilder builder, AccuSceneOptions options, bool configured = true)
    {
        if (!TryMarkLoggingWired(builder.Services, new LoggingWiring(LoggingWiring.LoggingBuilder, configured)))
        {
            // The same call again (no delegate, so the same AccuScene__* variables): wired already, nothing to add.
            return builder;
        }

        AccuSceneExporterWiring.AddDiskRetry(builder.Services, options.Exporters.Otlp.DiskRetry);

        // Registered before AddOpenTelemetry, so the scopes-and-redaction processor comes before exporters
        // added later through OpenTelemetryLoggerOptions (for example AddOpenTelemetry(o => o.AddOtlpExporter())).
        builder.Services.ConfigureOpenTelemetryLoggerProvider(b => AddAccuSceneCore(b, options));
        builder.AddOpenTelemetry(o => ConfigureLoggerOptions(o, options));
        AddLevelFilters(builder.Services, options.Logging);
        return builder;
    }

    /// <summary>
    /// Registers the logging services once. Returns <see langword="false"/> when the same call wired them already
    /// (<c>ILoggingBuilder.AddAccuScene()</c> without a delegate, twice), and throws when another one did: a second
    /// wiring would write every line twice, and ignoring it would drop its options without a word.
    /// </summary>
    /// <exception cref="InvalidOperationException">Logging was wired by another call.</exception>
    internal static bool TryMarkLoggingWired(IServiceCollection services, LoggingWiring wiring)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(LoggingWiring))?.ImplementationInstance is LoggingWiring existing)
        {
            return wiring == existing && !wiring.Configured && wiring.By == LoggingWiring.LoggingBuilder
                ? false
                : throw new InvalidOperationException(
                    $"AccuScene logging is already wired on these services by {existing.By}; {wiring.By} would be ignored, with its options. " +
                    "services.AddAccuScene() wires logging too (from the AccuScene configuration section): call ILoggingBuilder.AddAccuScene() only in apps without it, and once.");
        }

        services.AddSingleton(wiring);
        services.AddSingleton<ScopeCapture>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<ScopeCapture>());
        return true;
    }

    internal static void ConfigureLoggerOptions(OpenTelemetryLoggerOptions target, AccuSceneOptions options)
    {
        // Scopes reach exporters through ScopesAndRedactionProcessor, masked, as attributes; OpenTelemetry's
        // own scope capture would hand exporters the raw values.
        target.IncludeScopes = false;
        target.IncludeFormattedMessage = options.Logging.IncludeFormattedMessage;
        target.ParseStateValues = true;
    }

    /// <summary>Applies <c>AccuScene:Logging:LogLevel</c> to the OpenTelemetry logger provider (<c>Default</c> is every other category).</summary>
    internal static void AddLevelFilters(IServiceCollection services, AccuSceneLoggingOptions logging)
    {
        if (logging.LogLevel.Count == 0)
        {
            return;
        }

        var levels = logging.LogLevel.ToArray();
        services.Configure<LoggerFilterOptions>(filters => ApplyLevels(filters, levels));
    }

    // One provider rule per category for the OpenTelemetry logger provider; "Default" is every other category.
    private static void ApplyLevels(LoggerFilterOptions filters, IEnumerable<KeyValuePair<string, LogLevel>> levels)
    {
        foreach (var (category, level) in levels)
        {
            filters.AddFilter<OpenTelemetryLoggerProvider>(string.Equals(category, "Default", StringComparison.OrdinalIgnoreCase) ? null : category, level);
        }
    }

    /// <summary>
    /// Applies <c>AccuScene:Logging:LogLevel</c> under <c>AddAccuScene()</c>, from the options in effect: a validated
    /// reload of the section changes the levels without a restart.
    /// </summary>
    internal static void AddReloadingLevelFilters(IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<LoggerFilterOptions>>(sp => new ConfigureOptions<LoggerFilterOptions>(filters =>
        {
            AccuSceneOptions options;
            try
            {
                options = sp.GetService<AccuSceneOptionsReloadSource>()?.Current ?? sp.GetRequiredService<IOptions<AccuSceneOptions>>().Value;
            }
            catch (OptionsValidationException)
            {
                return; // the host's start reports it (ValidateOnStart); logging is built before that
            }

            ApplyLevels(filters, options.Logging.LogLevel);
        }));
        services.AddSingleton<IOptionsChangeTokenSource<LoggerFilterOptions>>(sp => new LevelReloadTokenSource(sp.GetRequiredService<AccuSceneOptionsReloadSource>()));
    }

    internal static LoggerProviderBuilder AddAccuSceneCore(LoggerProviderBuilder builder, AccuSceneOptions options) =>
        AddAccuSceneCore(builder, _ => options, options);

    /// <param name="builder">The builder.</param>
    /// <param name="resolve">
    /// The options in effect, or <see langword="null"/> when they are invalid: a host builds logging before it starts,
    /// and its start reports the failure (ValidateOnStart).
    /// </param>
    /// <param name="atRegistration">The options as read now, for the OTLP exporter.</param>
    /// <param name="hostSettings">The host's configuration at registration, where OpenTelemetry's exporter reads the <c>OTEL_*</c> keys; <see langword="null"/> for the environment only.</param>
    internal static LoggerProviderBuilder AddAccuSceneCore(LoggerProviderBuilder builder, Func<IServiceProvider, AccuSceneOptions?> resolve, AccuSceneOptions atRegistration, IConfiguration? hostSettings = null)
    {
        builder.ConfigureResource(r => r.AddDetector(sp => new AccuSceneResourceDetector(resolve(sp)?.Service ?? new AccuSceneServiceOptions(), sp.GetService<IConfiguration>(), sp.GetService<Microsoft.Extensions.Hosting.IHostEnvironment>()?.EnvironmentName)));

        // Everything else is decided when the provider is built, from the options then in effect.
        DeferredLogger(builder).Configure((sp, b) =>
        {
            if (resolve(sp) is { } options)
            {
                Configure(b, sp, options);
            }
        });
        if (AccuSceneExporterWiring.IsOtlpEnabled(atRegistration.Exporters.Otlp, "LOGS", hostSettings))
        {
            var otlp = atRegistration.Exporters.Otlp;
            var enabledBy = UseOtlpExporterConflict.EnabledBy(otlp, "LOGS", hostSettings);
            DeferredLogger(builder).Configure((sp, _) => UseOtlpExporterConflict.ThrowIfUsed(sp, "logs", enabledBy, AccuSceneOptionsRegistration.SectionPath(sp)));
            builder.AddOtlpExporter(o => AccuSceneExporterWiring.Configure(o, otlp, "v1/logs", hostSettings));
        }

        return builder;
    }

    private static void Configure(LoggerProviderBuilder builder, IServiceProvider services, AccuSceneOptions options)
    {
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        if (LogTimestampProcessor.For(time) is { } timestamps)
        {
            builder.AddProcessor(timestamps);
        }

        // Scopes and redaction first, so every output below sees scope values as attributes, masked.
        var redactor = Redactor.From(options.Redaction);
        if (options.Logging.IncludeScopes || !redactor.IsEmpty)
        {
            builder.AddProcessor(new ScopesAndRedactionProcessor(redactor, options.Logging.IncludeScopes ? services.GetService<ScopeCapture>() : null));
        }

        if (EventsRegistration.LogProcessor(services, options.Events) is { } events)
        {
            builder.AddProcessor(events);
        }

        if (options.Logging.Console.Enabled)
        {
            builder.AddProcessor(new ConsoleLogRecordProcessor(options.Logging.Console, redactor));
        }

        if (!string.IsNullOrEmpty(options.Logging.File.Path))
        {
            builder.AddProcessor(new FileLogRecordProcessor(options.Logging.File, redactor, time));
        }

        if (options.Exporters.Console.Enabled)
        {
            builder.AddProcessor(new SimpleLogRecordExportProcessor(new ConsoleLogRecordExporter(AccuSceneExporterWiring.ConsoleOptions(services))));
        }
    }

    private sealed class LevelReloadTokenSource(AccuSceneOptionsReloadSource source) : IOptionsChangeTokenSource<LoggerFilterOptions>
    {
        public string? Name => Microsoft.Extensions.Options.Options.DefaultName;

        public Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => source.GetChangeToken();
    }

    private static IDeferredLoggerProviderBuilder DeferredLogger(LoggerProviderBuilder builder) =>
        builder as IDeferredLoggerProviderBuilder
        ?? throw new NotSupportedException($"AddAccuScene() needs a builder that can defer its configuration (IDeferredLoggerProviderBuilder), as OpenTelemetry's own builders do; {builder.GetType()} cannot.");

    /// <summary>Which call wired AccuScene logging into a service collection.</summary>
    /// <param name="By">The call, as a message names it.</param>
    /// <param name="Configured">Whether it was given a delegate (so a second call's options may differ).</param>
    internal sealed record LoggingWiring(string By, bool Configured)
    {
        public const string LoggingBuilder = "ILoggingBuilder.AddAccuScene()";

        public const string Services = "services.AddAccuScene()";
    }
}
