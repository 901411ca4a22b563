using System.Text;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Tests.Logging;

/// <summary>A logger factory wired like AddAccuScene's logging (scopes and redaction first), writing console lines into memory.</summary>
internal sealed class LogCapture : IDisposable
{
    private readonly MemoryStream _output = new();

    public LogCapture(string format, bool colors = false, IEnumerable<string>? redactedKeys = null, bool formattedMessage = true, LogLevel consoleMinimumLevel = LogLevel.Trace)
    {
        var redactor = redactedKeys is null ? Redactor.From(new AccuSceneRedactionOptions()) : new Redactor(redactedKeys);
        this.Factory = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Trace);
            AccuSceneLoggingBuilderExtensions.TryMarkLoggingWired(builder.Services, new(AccuSceneLoggingBuilderExtensions.LoggingWiring.LoggingBuilder, Configured: true));
            builder.AddOpenTelemetry(o =>
            {
                o.IncludeScopes = false;
                o.IncludeFormattedMessage = formattedMessage;
            });
            builder.Services.ConfigureOpenTelemetryLoggerProvider(provider => provider
                .AddProcessor(sp => new ScopesAndRedactionProcessor(redactor, sp.GetService<ScopeCapture>()))
                .AddProcessor(new ConsoleLogRecordProcessor(new AccuSceneConsoleLogOptions { Format = format, MinimumLevel = consoleMinimumLevel }, redactor, _output, colors)));
        });
    }

    public ILoggerFactory Factory { get; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Encoding.UTF8.GetString(_output.ToArray());
            Assert.That(text, Does.EndWith("\n").Or.Empty, "every line ends with a line feed");
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public void Dispose()
    {
        this.Factory.Dispose();
        _output.Dispose();
    }
}
