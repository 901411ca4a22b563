using System.ComponentModel.DataAnnotations;
namespace AccuScene.Otel;

/// <summary>How ILogger records become OpenTelemetry log records and log lines (<c>AccuScene:Logging</c>).</summary>
public sealed class AccuSceneLoggingOptions
{
    /// <summary>Gets or sets a value indicating whether logger scopes become attributes. Default: <see langword="true"/>.</summary>
    public bool IncludeScopes { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the formatted message is kept beside the template. Default: <see langword="true"/>.</summary>
    public bool IncludeFormattedMessage { get; set; } = true;

    /// <summary>
    /// Gets the minimum level per category for AccuScene's log outputs (<c>AccuScene:Logging:LogLevel:&lt;category&gt;</c>,
    /// with <c>Default</c> for every other category). A provider rule, as <c>Logging:OpenTelemetry:LogLevel</c> is: for
    /// the categories it covers it replaces the standard <c>Logging:LogLevel</c> rule rather than adding to it.
    /// </summary>
    public Dictionary<string, Microsoft.Extensions.Logging.LogLevel> LogLevel { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the console output (<c>AccuScene:Logging:Console</c>).</summary>
    public AccuSceneConsoleLogOptions Console { get; } = new();

    /// <summary>Gets the rotating file output (<c>AccuScene:Logging:File</c>).</summary>
    public AccuSceneFileLogOptions File { get; } = new();
}

/// <summary>The console log output (<c>AccuScene:Logging:Console</c>).</summary>
public sealed class AccuSceneConsoleLogOptions
{
    /// <summary>Gets or sets a value indicating whether log records are written to standard output. Default: <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets or sets the line format: <c>text</c> (for people; ANSI colours by level unless output is redirected or
    /// <c>NO_COLOR</c> is set) or <c>json</c> (one object per line). Default: <c>text</c>.
    /// </summary>
    public string Format { get; set; } = "text";

    /// <summary>
    /// Gets or sets the lowest level written to standard output, on top of the logging filters (as Serilog's
    /// <c>restrictedToMinimumLevel</c>): the other outputs still receive what the filters let through. Default:
    /// <see cref="Microsoft.Extensions.Logging.LogLevel.Trace"/>, which restricts nothing further.
    /// </summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Trace;
}

/// <summary>The rotating file log output (<c>AccuScene:Logging:File</c>).</summary>
public sealed class AccuSceneFileLogOptions
{
    /// <summary>Gets or sets the active file, for example <c>logs/app.log</c>; <see langword="null"/> or empty turns the file output off.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// Gets or sets the size at which the active file rolls, in bytes. While a roll fails (a rename refused), the
    /// file may grow to twice this before lines are dropped. Default: 10 MiB.
    /// </summary>
    [Range(4096d, 1073741824d)]
    public long MaxFileSizeBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Gets or sets how many files are kept, the active one included. Default: 10.</summary>
    [Range(1, 10_000)]
    public int MaxFiles { get; set; } = 10;

    /// <summary>Gets or sets the age after which rolled files are deleted; <see langword="null"/> keeps them by count only.</summary>
    [DurationRange("00:01:00", "3650.00:00:00")]
    public TimeSpan? MaxAge { get; set; }

    /// <summary>Gets or sets the line format, <c>json</c> or <c>text</c>. Default: <c>json</c>.</summary>
    public string Format { get; set; } = "json";

    /// <summary>Gets or sets how often buffered lines are handed to the operating system. Default: 1 second.</summary>
    [DurationRange("00:00:00.010", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);
}
