using System.Globalization;

namespace AccuScene.Otel.Demo;

/// <summary>The demo's own switches; everything else goes to the ASP.NET Core host.</summary>
internal sealed record DemoArguments(TimeSpan? Duration, bool Chaos, bool ExportRules, string[] HostArguments, double Rate = DemoArguments.DefaultRate)
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Reconstructions the load generator asks for per second unless <c>--rate</c> says otherwise.</summary>
    public const double DefaultRate = 1;

    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);

    public static DemoArguments Parse(string[] args)
    {
        TimeSpan? duration = null;
        var chaos = false;
        var exportRules = false;
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
                    || rate is < 0.1 or > 100)
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
            else
            {
                rest.Add(args[i]);
            }
        }

        return new DemoArguments(duration, chaos, exportRules, [.. rest], rate);
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
