using System.Globalization;
using AccuScene.Otel;
using Microsoft.Extensions.Logging;

// Usage: AccuScene.Otel.LogProbe <file path> <max file size bytes> [exit]
// Logs numbered lines inside spans until killed. After every 500 lines it flushes and prints
// "flushed <last line number>": every line up to that number must survive a kill -9.
// With "exit": logs 100 lines with a flush interval of an hour, prints "logged 99", and calls Environment.Exit(3)
// without disposing anything, as a CLI that exits on an error does: every line must still reach the file.
var path = args[0];
var maxBytes = long.Parse(args[1], CultureInfo.InvariantCulture);
var exit = args.Length > 2 && args[2] == "exit";
var telemetry = AccuSceneTelemetrySystem.Create(o =>
{
    o.Service.Name = "log-probe";
    o.Logging.File.Path = path;
    o.Logging.File.MaxFileSizeBytes = maxBytes;
    o.Logging.File.MaxFiles = 10_000;
    o.Logging.File.FlushInterval = exit ? TimeSpan.FromHours(1) : TimeSpan.FromMilliseconds(50);
}).Start();
var logger = telemetry.CreateLogger("AccuScene.LogProbe");
Console.Out.WriteLine("started");
Console.Out.Flush();
for (var line = 0L; ; line++)
{
    using (var activity = telemetry.ActivitySource.StartActivity("probe.line"))
    {
        logger.LogInformation("Probe line {Line} with {Payload}", line, "crash-consistency");
    }

    if (exit && line == 99)
    {
        Console.Out.WriteLine("logged 99");
        Console.Out.Flush();
        Environment.Exit(3);
    }

    if (line % 500 == 499)
    {
        telemetry.ForceFlush();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"flushed {line}"));
        Console.Out.Flush();
    }
}
