using System.Text;
using System.Text.RegularExpressions;

namespace Nextra.Host.Tests;

/// <summary>
/// The boundaries of DESIGN.md §1 and CONVENTIONS.md habit 13: dependencies point Host → Modules → Pump; the
/// modules under <c>src/Nextra.Modules</c> (one namespace each) reference each other without cycles. Read from the
/// sources (comments and string literals stripped), so a reference anywhere — a using, a qualified name in a method
/// body — counts.
/// </summary>
public sealed partial class ArchitectureTests
{
    [Fact]
    public void Modules_HaveNoNamespaceCycle()
    {
        var graph = ModuleGraph.FromFolder(Path.Combine(RepoRoot.Path, "src", "Nextra.Modules"));
        var cycle = graph.FindCycle();
        Assert.True(cycle is null, $"namespace cycle between modules: {string.Join(" -> ", cycle ?? [])}\n{graph.Describe()}");
    }

    [Fact]
    public void Pump_ReferencesNeitherModulesNorHost()
    {
        var offenders = Offenders(Path.Combine(RepoRoot.Path, "src", "Nextra.Pump"), "Nextra.Modules", "Nextra.Host");
        Assert.Empty(offenders);
    }

    [Fact]
    public void Modules_DoNotReferenceHost()
    {
        var offenders = Offenders(Path.Combine(RepoRoot.Path, "src", "Nextra.Modules"), "Nextra.Host");
        Assert.Empty(offenders);
    }

    // Tests of the test: the checks must fail when the boundary is crossed.

    [Fact]
    public void FindCycle_TwoModulesUsingEachOther_ReportsTheCycle()
    {
        var graph = ModuleGraph.FromSources(
        [
            ("Flows", "using Nextra.Modules.Common; namespace Nextra.Modules.Flows; class A { Orchestration.FlowSupervisor? s; }"),
            ("Orchestration", "namespace Nextra.Modules.Orchestration; using Nextra.Modules.Flows; class FlowSupervisor { }"),
            ("Common", "namespace Nextra.Modules.Common; class C { }"),
        ]);
        var cycle = graph.FindCycle();
        Assert.NotNull(cycle);
        Assert.Equal(cycle![0], cycle[^1]);
        Assert.Contains("Flows", cycle);
        Assert.Contains("Orchestration", cycle);
    }

    [Fact]
    public void FindCycle_ReferenceOnlyInCommentOrString_IsNotAnEdge()
    {
        var graph = ModuleGraph.FromSources(
        [
            ("Flows", "namespace Nextra.Modules.Flows; /// <see cref=\"Orchestration.FlowSupervisor\"/>\nclass A { string s = \"Orchestration.X\"; } // Orchestration.Y"),
            ("Orchestration", "namespace Nextra.Modules.Orchestration; using Nextra.Modules.Flows; class FlowSupervisor { }"),
        ]);
        Assert.Null(graph.FindCycle());
        Assert.Equal(["Flows"], graph.Edges["Orchestration"]);
    }

    [Fact]
    public void FindCycle_LongerCycle_Found()
    {
        var graph = ModuleGraph.FromSources(
        [
            ("A", "namespace Nextra.Modules.A; class X { B.Y? y; }"),
            ("B", "namespace Nextra.Modules.B; class Y { C.Z? z; }"),
            ("C", "namespace Nextra.Modules.C; using Nextra.Modules.A; class Z { }"),
        ]);
        Assert.Equal(["A", "B", "C", "A"], graph.FindCycle());
    }

    private static List<string> Offenders(string folder, params string[] forbidden) =>
        SourceFiles(folder)
            .SelectMany(f => forbidden.Where(n => Code(File.ReadAllText(f)).Contains(n, StringComparison.Ordinal))
                .Select(n => $"{Path.GetRelativePath(RepoRoot.Path, f)} references {n}"))
            .ToList();

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    /// <summary>The source without comments and string or character literals (raw and verbatim strings included).</summary>
    internal static string Code(string source)
    {
        var sb = new StringBuilder(source.Length);
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n') i++;
            }
            else if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + 2;
            }
            else if (c == '"' && source.AsSpan(i).StartsWith("\"\"\""))
            {
                var quotes = 0;
                while (i < source.Length && source[i] == '"') { quotes++; i++; }
                var close = new string('"', quotes);
                var end = source.IndexOf(close, i, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + quotes;
                sb.Append("\"\"");
            }
            else if (c == '"')
            {
                var verbatim = i > 0 && source[i - 1] == '@';
                i++;
                while (i < source.Length)
                {
                    if (!verbatim && source[i] == '\\') { i += 2; continue; }
                    if (source[i] == '"')
                    {
                        if (verbatim && i + 1 < source.Length && source[i + 1] == '"') { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                i++;
                sb.Append("\"\"");
            }
            else if (c == '\'' )
            {
                i++;
                while (i < source.Length && source[i] != '\'') i += source[i] == '\\' ? 2 : 1;
                i++;
                sb.Append("' '");
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString();
    }

    /// <summary>Which module's code names which other module (by <c>Nextra.Modules.X</c> or a qualified <c>X.Name</c>).</summary>
    internal sealed partial class ModuleGraph
    {
        public Dictionary<string, SortedSet<string>> Edges { get; } = new(StringComparer.Ordinal);

        public static ModuleGraph FromFolder(string modulesRoot)
        {
            var modules = Directory.GetDirectories(modulesRoot).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).Select(n => n!).ToList();
            return FromSources(modules.SelectMany(m => SourceFiles(Path.Combine(modulesRoot, m)).Select(f => (m, File.ReadAllText(f)))));
        }

        public static ModuleGraph FromSources(IEnumerable<(string Module, string Source)> sources)
        {
            var list = sources.ToList();
            var graph = new ModuleGraph();
            var names = list.Select(s => s.Module).ToHashSet(StringComparer.Ordinal);
            foreach (var module in names) graph.Edges[module] = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (module, source) in list)
            {
                var code = Code(source);
                foreach (Match m in Reference().Matches(code))
                {
                    var target = m.Groups["full"].Success ? m.Groups["full"].Value : m.Groups["short"].Value;
                    // A qualified short name counts only when it is not a member access on something else (x.Flows.Y).
                    if (!m.Groups["full"].Success && m.Index > 0 && (code[m.Index - 1] == '.' || char.IsLetterOrDigit(code[m.Index - 1]))) continue;
                    if (target != module && names.Contains(target)) graph.Edges[module].Add(target);
                }
            }
            return graph;
        }

        [GeneratedRegex(@"Nextra\.Modules\.(?<full>[A-Z][A-Za-z]*)|(?<short>[A-Z][A-Za-z]*)\.[A-Z]")]
        private static partial Regex Reference();

        /// <summary>A cycle as a path that starts and ends with the same module, or null.</summary>
        public List<string>? FindCycle()
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the stack, 2 = done
            var stack = new List<string>();
            foreach (var start in Edges.Keys.Order(StringComparer.Ordinal))
            {
                if (Visit(start) is { } found) return found;
            }
            return null;

            List<string>? Visit(string node)
            {
                if (state.GetValueOrDefault(node) == 2) return null;
                if (state.GetValueOrDefault(node) == 1)
                {
                    var from = stack.IndexOf(node);
                    return [.. stack.Skip(from), node];
                }
                state[node] = 1;
                stack.Add(node);
                foreach (var next in Edges.GetValueOrDefault(node) ?? [])
                {
                    if (Visit(next) is { } cycle) return cycle;
                }
                stack.RemoveAt(stack.Count - 1);
                state[node] = 2;
                return null;
            }
        }

        public string Describe() => string.Join("\n", Edges.Select(e => $"{e.Key} -> {string.Join(", ", e.Value)}"));
    }
}
