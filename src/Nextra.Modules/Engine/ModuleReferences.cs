using System.Text.RegularExpressions;

namespace Nextra.Modules.Engine;

/// <summary>Finds <c>module: NAME[@VERSION]</c> references in flow YAML (code blocks' config).</summary>
public static partial class ModuleReferences
{
    [GeneratedRegex(@"(?m)(?:^|[\s{,])module:\s*[""']?([A-Za-z0-9_.-]+)(?:@([A-Za-z0-9_.-]+))?[""']?\s*(?:[,}#]|$)")]
    private static partial Regex Reference();

    /// <summary>(name, version or null) pairs referenced by the document.</summary>
    public static IReadOnlyList<(string Name, string? Version)> Find(string yaml) =>
        Reference().Matches(yaml).Select(m => (m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null)).Distinct().ToList();

    /// <summary>Names only, to load just the modules a flow uses.</summary>
    public static IReadOnlyCollection<string> Names(string yaml) => Find(yaml).Select(r => r.Name).ToHashSet();
}
