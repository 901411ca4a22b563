using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>
/// Puts <see cref="AccuSceneOptions"/> on the Options pipeline for <c>AddAccuScene()</c>: bound lazily from the
/// configuration given, or from the host's <c>AccuScene</c> section; then the <c>configure</c> delegate, the app's own
/// <c>Configure</c> and <c>PostConfigure</c>, the rules file; validated by <see cref="AccuSceneOptionsValidation"/> on
/// start; reloaded by <see cref="AccuSceneOptionsReloadSource"/>.
/// </summary>
internal sealed class AccuSceneOptionsRegistration
{
    private AccuSceneOptionsRegistration(IConfiguration? configuration, Action<AccuSceneOptions>? configure, AccuSceneOptions atRegistration)
    {
        this.Configuration = configuration;
        this.Configure = configure;
        this.AtRegistration = atRegistration;
    }

    /// <summary>Gets the configuration passed to <c>AddAccuScene</c>, or <see langword="null"/> for the host's.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>Gets the delegate passed to <c>AddAccuScene</c>.</summary>
    public Action<AccuSceneOptions>? Configure { get; }

    /// <summary>
    /// Gets the options as the configuration visible when <c>AddAccuScene</c> ran described them: they decide the
    /// registration-time settings (<see cref="RegistrationKeys"/>), which OpenTelemetry needs before the service
    /// provider exists.
    /// </summary>
    public AccuSceneOptions AtRegistration { get; }

    /// <summary>
    /// Gets the host's configuration as registered when <c>AddAccuScene</c> ran, where OpenTelemetry's exporters read the
    /// standard <c>OTEL_*</c> keys (appsettings.json included), or <see langword="null"/> when there was none.
    /// </summary>
    public IConfiguration? HostSettings { get; private set; }

    /// <summary>
    /// Gets the settings read when <c>AddAccuScene</c> runs, because they decide which OpenTelemetry exporters and
    /// instrumentations are registered. The validator fails the start when the final options disagree.
    /// </summary>
    internal static IReadOnlyList<RegistrationKey> RegistrationKeys { get; } =
    [
        new("Exporters:Otlp:Enabled", o => o.Exporters.Otlp.Enabled, (o, v) => o.Exporters.Otlp.Enabled = (bool?)v),
        new("Exporters:Otlp:Endpoint", o => o.Exporters.Otlp.Endpoint, (o, v) => o.Exporters.Otlp.Endpoint = (Uri?)v),
        new("Exporters:Otlp:Protocol", o => o.Exporters.Otlp.Protocol, (o, v) => o.Exporters.Otlp.Protocol = (string?)v),
        new("Exporters:Otlp:Headers", o => o.Exporters.Otlp.Headers, (o, v) => o.Exporters.Otlp.Headers = (string?)v),
        new("Exporters:Otlp:TimeoutMilliseconds", o => o.Exporters.Otlp.TimeoutMilliseconds, (o, v) => o.Exporters.Otlp.TimeoutMilliseconds = (int?)v),
        new("Exporters:Otlp:DiskRetry:Enabled", o => o.Exporters.Otlp.DiskRetry.Enabled, (o, v) => o.Exporters.Otlp.DiskRetry.Enabled = (bool)v!),
        new("Exporters:Otlp:DiskRetry:Directory", o => o.Exporters.Otlp.DiskRetry.Directory, (o, v) => o.Exporters.Otlp.DiskRetry.Directory = (string?)v),
        new("Exporters:Prometheus:Enabled", o => o.Exporters.Prometheus.Enabled, (o, v) => o.Exporters.Prometheus.Enabled = (bool)v!),
        new("Exporters:Prometheus:Host", o => o.Exporters.Prometheus.Host, (o, v) => o.Exporters.Prometheus.Host = (string)v!),
        new("Exporters:Prometheus:Port", o => o.Exporters.Prometheus.Port, (o, v) => o.Exporters.Prometheus.Port = (int)v!),
        new("Exporters:Prometheus:Path", o => o.Exporters.Prometheus.Path, (o, v) => o.Exporters.Prometheus.Path = (string)v!),
        new("Metrics:ExportIntervalMilliseconds", o => o.Metrics.ExportIntervalMilliseconds, (o, v) => o.Metrics.ExportIntervalMilliseconds = (int?)v),
        new("Tracing:CollectHttp", o => o.Tracing.CollectHttp, (o, v) => o.Tracing.CollectHttp = (bool)v!),
    ];

    /// <summary>Gets the registration-time settings that the <c>configure</c> delegate itself changed, with the values it set.</summary>
    private List<(RegistrationKey Key, object? Value)> SetByDelegate { get; } = [];

    /// <summary>
    /// Registers the options once and returns the registration. A second call with no arguments, or with the same
    /// ones, returns the first one's; a call with other arguments throws, since it would otherwise be silently dropped.
    /// </summary>
    /// <exception cref="InvalidOperationException">AddAccuScene was already called on these services with other arguments.</exception>
    public static AccuSceneOptionsRegistration Add(IServiceCollection services, IConfiguration? configuration, Action<AccuSceneOptions>? configure)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(AccuSceneOptionsRegistration))?.ImplementationInstance is AccuSceneOptionsRegistration existing)
        {
            // No arguments add nothing to a wiring that exists; the same section (GetSection returns a new object
            // each time, so it is compared by path) and the same delegate are the same call again. A first call with
            // no section reads the host's AccuScene section, so that section named again (the same keys and values) is
            // the same call too.
            var sameConfiguration = configuration is null
                || ReferenceEquals(existing.Configuration, configuration)
                || (existing.Configuration is null && configuration is IConfigurationSection { Path: AccuSceneOptions.SectionName } named
                    && existing.HostSettings is { } host && SameSettings(host.GetSection(AccuSceneOptions.SectionName), named))
                || (existing.Configuration is IConfigurationSection first && configuration is IConfigurationSection second && first.Path == second.Path);
            if (sameConfiguration && (configure is null || Equals(existing.Configure, configure)))
            {
                return existing;
            }

            throw new InvalidOperationException(
                "AddAccuScene() (or UseAccuScene()) was already called on these services with other arguments, and a second call cannot change how "
                + "the first wired OpenTelemetry. Call it once; change its options with configuration (the AccuScene section) or "
                + "services.Configure<AccuSceneOptions>(...).");
        }

        var registration = new AccuSceneOptionsRegistration(configuration, configure, new AccuSceneOptions());
        registration.Peek(services);
        services.AddSingleton(registration);
        services.AddOptions<AccuSceneOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<AccuSceneOptions>>(sp => new AccuSceneOptionsBinding(registration.Section(sp)));
        if (configure is not null)
        {
            // The delegate runs again each time the options are created; what it set at registration among the
            // registration-time settings stays as it was then, so a delegate that draws a value (a free port) wires
            // and validates one value.
            services.Configure<AccuSceneOptions>(options =>
            {
                configure(options);
                foreach (var (key, value) in registration.SetByDelegate)
                {
                    key.Write(options, value);
                }
            });
        }

        // The rules file is read after every post-configuration, whenever the app registered it (before or after
        // this call), so a RulesFile set by any Configure or PostConfigure is read; and a reload hands the monitor
        // the instance it validated (AccuSceneOptionsFactory).
        services.TryAddSingleton<AccuSceneOptionsOffer>();
        services.AddTransient(sp => new AccuSceneOptionsFactory(
            sp.GetServices<IConfigureOptions<AccuSceneOptions>>(),
            sp.GetServices<IPostConfigureOptions<AccuSceneOptions>>(),
            sp.GetServices<IValidateOptions<AccuSceneOptions>>(),
            registration.Section(sp).Path,
            sp.GetRequiredService<AccuSceneOptionsOffer>()));
        services.AddTransient<IOptionsFactory<AccuSceneOptions>>(sp => sp.GetRequiredService<AccuSceneOptionsFactory>());
        services.AddSingleton<IValidateOptions<AccuSceneOptions>>(sp => new AccuSceneOptionsValidation(registration.Section(sp), registration.AtRegistration, sp.GetService<IConfiguration>()));
        services.TryAddSingleton(sp => new AccuSceneOptionsReloadSource(
            registration.Section(sp), sp.GetRequiredService<AccuSceneOptionsFactory>(), sp.GetRequiredService<AccuSceneOptionsOffer>(), () => sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.AddSingleton<IOptionsChangeTokenSource<AccuSceneOptions>>(sp => sp.GetRequiredService<AccuSceneOptionsReloadSource>());

        // The options in effect at start, for the features that read them once.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AccuSceneOptions>>().Value);

        // The sections a feature reads from the container, when it can also stand alone (health checks).
        services.TryAddSingleton(sp => sp.GetRequiredService<AccuSceneOptions>().Health);
        services.TryAddSingleton(sp => sp.GetRequiredService<AccuSceneOptions>().Tracing);
        return registration;
    }

    /// <summary>The section the options bind to: the one given to <c>AddAccuScene</c>, else the host's, else the environment's.</summary>
    public IConfigurationSection Section(IServiceProvider services) =>
        SectionOf(this.Configuration ?? services.GetService<IConfiguration>() ?? AccuSceneOptionsLoader.EnvironmentConfiguration());

    /// <summary>The path of the section the registered options are bound to; <c>AccuScene</c> without a registration (the bare builders).</summary>
    internal static string SectionPath(IServiceProvider services) =>
        services.GetService<AccuSceneOptionsRegistration>()?.Section(services).Path ?? AccuSceneOptions.SectionName;

    internal static IConfigurationSection SectionOf(IConfiguration configuration) =>
        configuration as IConfigurationSection ?? configuration.GetSection(AccuSceneOptions.SectionName);

    /// <summary>Describes a registration-time value for a message; secrets (headers, an endpoint's credentials and query) are left out.</summary>
    internal static string Describe(string key, object? value) => value switch
    {
        null => "(not set)",
        string text when key.EndsWith(":Headers", StringComparison.Ordinal) => string.Create(CultureInfo.InvariantCulture, $"(set, {text.Length} characters)"),
        Uri { IsAbsoluteUri: true } uri => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            + (uri.UserInfo.Length > 0 || uri.Query.Length > 0 ? " (credentials or query not shown)" : string.Empty),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static bool SameSettings(IConfiguration a, IConfiguration b) =>
        a.AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
            .SequenceEqual(b.AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase));

    // The registration-time reading: lenient, since the start validates the final options and names what is wrong.
    private void Peek(IServiceCollection services)
    {
        var options = this.AtRegistration;
        this.HostSettings = HostConfiguration(services);
        try
        {
            SectionOf(this.Configuration ?? this.HostSettings ?? AccuSceneOptionsLoader.EnvironmentConfiguration()).Bind(options);
            if (this.Configure is { } configure)
            {
                var before = RegistrationKeys.Select(k => k.Read(options)).ToList();
                configure(options);
                for (var i = 0; i < RegistrationKeys.Count; i++)
                {
                    if (!Equals(RegistrationKeys[i].Read(options), before[i]))
                    {
                        this.SetByDelegate.Add((RegistrationKeys[i], RegistrationKeys[i].Read(options)));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            // Left to the start's validation, which reports it with its key.
        }
    }

    // The host's configuration as registered so far (HostApplicationBuilder and WebApplicationBuilder register their
    // live ConfigurationManager, which already holds appsettings.json and the environment).
    private static IConfiguration? HostConfiguration(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IConfiguration) && !d.IsKeyedService);
        try
        {
            using var empty = new ServiceCollection().BuildServiceProvider();
            return descriptor switch
            {
                { ImplementationInstance: IConfiguration instance } => instance,
                { ImplementationFactory: { } factory } => factory(empty) as IConfiguration,
                _ => null,
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or ObjectDisposedException)
        {
            return null; // a factory that needs real services: the environment decides at registration
        }
    }

    /// <summary>A setting read at registration: its key under the section, and how to read and write it.</summary>
    internal sealed record RegistrationKey(string Key, Func<AccuSceneOptions, object?> Read, Action<AccuSceneOptions, object?> Write);
}
