using System.Globalization;

namespace AccuScene.Otel.Demo;

/// <summary>The demo's own switches; everything else goes to the ASP.NET Core host.</summary>
internal sealed record DemoArguments(TimeSpan? Duration, bool Chaos, bool ExportRules, string[] HostArguments, double Rate = DemoArguments.DefaultRate)
{
    /// <summary>Gets a value indicating whether <c>export-grafana</c> was asked for.</summary>
    public bool ExportGrafana { get; init; }

    /// <summary>Gets the file an export writes to (<c>--output</c>), or <see langword="null"/> for standard output.</summary>
    public string? ExportOutput { get; init; }

    /// <summary>Gets the file <c>export-rules</c> writes its promtool tests to (<c>--tests</c>).</summary>
    public string? ExportTests { get; init; }

    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Reconstructions the load generator asks for per second unless <c>--rate</c> says otherwise.</summary>
    public const double DefaultRate = 1;

    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);

    public static DemoArguments Parse(string[] args)
    {
        // --duration=20s is --duration 20s, as the host reads --urls=...: a switch in that form is never passed on unread.
        args = [.. args.SelectMany(a => a.Split('=', 2) is [var name and ("--duration" or "--rate" or "--output" or "--tests"), var value] ? new[] { name, value } : [a])];
        TimeSpan? duration = null;
        var chaos = false;
        var exportRules = false;
        var exportGrafana = false;
        string? output = null;
        string? tests = null;
        var rate = DefaultRate;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--duration")
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException("--duration needs a value such as 20s, 500ms, 2m or 1h.");
                }

                duration = ParseDuration(args[++i]);
            }
            else if (args[i] == "--rate")
            {
                if (i + 1 >= args.Length
                    || !double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out rate)
                    || !(rate >= 0.1 && rate <= 100))
                {
                    throw new ArgumentException("--rate needs the reconstructions per second, 0.1 to 100 (for example --rate 5).");
                }
            }
            else if (args[i] == "--chaos")
            {
                chaos = true;
            }
            else if (args[i] == "export-rules" && i == 0)
            {
                exportRules = true;
            }
            else if (args[i] == "export-grafana" && i == 0)
            {
                exportGrafana = true;
            }
            else if (args[i] is "--output" or "--tests" && (exportRules || exportGrafana))
            {
                if (i + 1 >= args.Length || (args[i] == "--tests" && !exportRules))
                {
                    throw new ArgumentException($"{args[i]} needs a file name{(args[i] == "--tests" ? " and goes with export-rules" : string.Empty)}.");
                }

                _ = args[i] == "--output" ? output = args[++i] : tests = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return new DemoArguments(duration, chaos, exportRules, [.. rest], rate) { ExportGrafana = exportGrafana, ExportOutput = output, ExportTests = tests };
    }

    public static TimeSpan ParseDuration(string text)
    {
        var units = new (string Suffix, double Seconds)[] { ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600) };
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value > 0 && value * seconds <= MaxDuration.TotalSeconds)
            {
                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        throw new ArgumentException($"--duration must be a positive number followed by ms, s, m or h (for example 20s), at most 24h; it is '{text}'.");
    }
}
