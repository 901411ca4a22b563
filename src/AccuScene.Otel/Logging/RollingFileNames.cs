using System.Globalization;

namespace AccuScene.Otel.Logging;

/// <summary>
/// The naming scheme of the file output. The active file is always the configured path, for example
/// <c>logs/app.log</c>. When it is full it is renamed to <c>logs/app.000001.log</c>, then
/// <c>app.000002.log</c> and so on: the number goes on from the highest rolled file on disk (across restarts
/// too), so the highest number is the newest rolled file; with none left by retention it starts again at 1. A path without an extension rolls to <c>app.000001</c>.
/// </summary>
internal sealed class RollingFileNames
{
    public RollingFileNames(string path)
    {
        this.ActivePath = System.IO.Path.GetFullPath(path);
        this.Directory = System.IO.Path.GetDirectoryName(this.ActivePath)!;
        this.Stem = System.IO.Path.GetFileNameWithoutExtension(this.ActivePath);
        this.Extension = System.IO.Path.GetExtension(this.ActivePath);
    }

    public string ActivePath { get; }

    public string Directory { get; }

    public string Stem { get; }

    public string Extension { get; }

    public string RolledPath(long sequence) =>
        System.IO.Path.Combine(this.Directory, string.Create(CultureInfo.InvariantCulture, $"{this.Stem}.{sequence:D6}{this.Extension}"));

    /// <summary>The rolled files that exist now, oldest first.</summary>
    public List<(long Sequence, string Path)> FindRolled()
    {
        var found = new List<(long, string)>();
        if (!System.IO.Directory.Exists(this.Directory))
        {
            return found;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(this.Directory, this.Stem + ".*" + this.Extension))
        {
            if (this.TryParseSequence(System.IO.Path.GetFileName(file), out var sequence))
            {
                found.Add((sequence, file));
            }
        }

        found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    private bool TryParseSequence(string fileName, out long sequence)
    {
        sequence = 0;
        var prefixLength = this.Stem.Length + 1;
        var digits = fileName.Length - prefixLength - this.Extension.Length;
        if (digits < 6
            || !fileName.StartsWith(this.Stem + ".", StringComparison.Ordinal)
            || !fileName.EndsWith(this.Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var span = fileName.AsSpan(prefixLength, digits);
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}
