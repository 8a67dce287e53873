using System.Text.RegularExpressions;

namespace Nextra.Modules.Engine;

/// <summary>Finds <c>module: NAME[@VERSION]</c> (and qualified <c>publisher/name@MAJOR</c>) references in flow YAML (code blocks' config).</summary>
public static partial class ModuleReferences
{
    [GeneratedRegex(@"(?m)(?:^|[\s{,])module:\s*[""']?([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)?)(?:@([A-Za-z0-9_.-]+))?[""']?\s*(?:[,}#]|$)")]
    private static partial Regex Reference();

    /// <summary>(name, version or null) pairs referenced by the document.</summary>
    public static IReadOnlyList<(string Name, string? Version)> Find(string yaml) =>
        Reference().Matches(yaml).Select(m => (m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null)).Distinct().ToList();

    /// <summary>Each reference's name with the 1-based line and column of its <c>module:</c> key.</summary>
    public static IReadOnlyList<(string Name, int Line, int Column)> Locate(string yaml)
    {
        var found = new List<(string, int, int)>();
        foreach (Match m in Reference().Matches(yaml))
        {
            var at = yaml.IndexOf("module:", m.Index, StringComparison.Ordinal);
            var lineStart = yaml.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
            found.Add((m.Groups[1].Value, yaml.AsSpan(0, at).Count('\n') + 1, at - lineStart + 1));
        }
        return found;
    }

    /// <summary>Names only, to load just the modules a flow uses.</summary>
    public static IReadOnlyCollection<string> Names(string yaml) => Find(yaml).Select(r => r.Name).ToHashSet();
}
