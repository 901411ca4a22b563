using System.Text.RegularExpressions;

namespace AccuScene.Otel.Tests.Docs;

/// <summary>
/// Features as modules (#16): the feature folders of <c>src/AccuScene.Otel</c> depend on each other without a
/// cycle, and none of them reaches into the composition root (<c>Composition/</c>, <c>Options/</c> and the
/// facade at the top), which is the only place that knows every feature. A folder depends on another when one
/// of its files names a type declared only there (comments and string literals left out). What a text scan
/// cannot see: an extension method called on its receiver without naming its class (the composition root's
/// entry points are such methods, and features do not call them), and a type name declared in two folders.
/// </summary>
public partial class FolderDependencyTests
{
    private static readonly HashSet<string> CompositionRoot = ["Composition", "Options", "(top)"];

    [Test]
    public void FeatureFolders_HaveNoCycle()
    {
        var edges = Edges();
        var cycles = StronglyConnected(edges.Keys.Where(f => !CompositionRoot.Contains(f)).ToList(), edges)
            .Where(group => group.Count > 1)
            .Select(group => string.Join(" <-> ", group.Order(StringComparer.Ordinal)) + ": "
                + string.Join("; ", group.SelectMany(a => group.Where(b => b != a && edges[a].ContainsKey(b)).Select(b => $"{a} -> {b} ({string.Join(", ", edges[a][b].Take(4))})"))))
            .ToList();

        Assert.That(edges.Keys, Has.Count.GreaterThan(10), "the scan found the feature folders");
        Assert.That(cycles, Is.Empty);
    }

    [Test]
    public void NoFeature_ReachesIntoTheCompositionRoot()
    {
        var edges = Edges();
        var reaches = edges
            .Where(e => !CompositionRoot.Contains(e.Key))
            .SelectMany(e => e.Value.Where(to => CompositionRoot.Contains(to.Key)).Select(to => $"{e.Key} -> {to.Key} ({string.Join(", ", to.Value)})"))
            .ToList();

        Assert.That(reaches, Is.Empty);
    }

    // folder -> folder it names a type of -> the type names.
    private static Dictionary<string, Dictionary<string, SortedSet<string>>> Edges()
    {
        var src = Path.Combine(Repository.Root(), "src", "AccuScene.Otel");
        var files = Repository.Sources(src)
            .Select(f => (Folder: FolderOf(Path.GetRelativePath(src, f)), Text: File.ReadAllText(f)))
            .ToList();

        var owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (folder, text) in files)
        {
            foreach (Match declared in Declaration().Matches(text))
            {
                owners.TryAdd(declared.Groups[1].Value, []);
                owners[declared.Groups[1].Value].Add(folder);
            }
        }

        var edges = files.Select(f => f.Folder).Distinct().ToDictionary(f => f, _ => new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal));
        foreach (var (folder, text) in files)
        {
            var code = CSharpText.WithoutLiterals(text);
            var own = Declaration().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            // An attribute is written without its suffix: [DurationRange] names DurationRangeAttribute.
            foreach (var name in Word().Matches(code).Select(m => owners.ContainsKey(m.Value + "Attribute") ? m.Value + "Attribute" : m.Value).Distinct(StringComparer.Ordinal))
            {
                // A name declared in more than one folder is ambiguous, and left out.
                if (!own.Contains(name) && owners.TryGetValue(name, out var declaredIn) && declaredIn.Count == 1 && declaredIn.Single() is var target && target != folder)
                {
                    edges[folder].TryAdd(target, new SortedSet<string>(StringComparer.Ordinal));
                    edges[folder][target].Add(name);
                }
            }
        }

        return edges;
    }

    private static List<List<string>> StronglyConnected(List<string> nodes, Dictionary<string, Dictionary<string, SortedSet<string>>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var groups = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in edges[node].Keys.Where(nodes.Contains))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var group = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    group.Add(member);
                }
                while (member != node);
                groups.Add(group);
            }
        }

        foreach (var node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }

        return groups;
    }

    private static string FolderOf(string relative)
    {
        var separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return separator < 0 ? "(top)" : relative[..separator];
    }

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+([A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w+\b")]
    private static partial Regex Word();
}
