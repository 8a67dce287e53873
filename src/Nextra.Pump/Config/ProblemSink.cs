using Nextra.Pump.Config.Yaml;

namespace Nextra.Pump.Config;

/// <summary>Collects located problems; the loader reports all of them at once.</summary>
internal sealed class ProblemSink
{
    public List<ValidationProblem> Items { get; } = [];
    public int Count => Items.Count;

    public void Add(int line, int column, string code, string message) => Items.Add(new(line, column, code, message));

    public void Add(YNode? node, string code, string message) => Items.Add(new(node?.Line ?? 0, node?.Column ?? 0, code, message));
}
