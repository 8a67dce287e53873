namespace Nextra.Pump.Config.Yaml;

/// <summary>
/// A minimal YAML node tree with 1-based line/column marks on every node. Built from YamlDotNet's
/// parser events rather than its representation model so that duplicate keys become located
/// problems instead of a fatal exception, and a syntax error still yields the nodes read so far.
/// </summary>
internal abstract class YNode(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
    /// <summary>Node count with aliases expanded (guards against alias bombs).</summary>
    public long Size { get; set; } = 1;
}

internal sealed class YScalar(int line, int column, string value, bool plain, string? tag) : YNode(line, column)
{
    public string Value { get; } = value;
    /// <summary>Plain (unquoted) scalars are typed (null/bool/number); quoted ones are always strings.</summary>
    public bool Plain { get; } = plain;
    public string? Tag { get; } = tag;

    public bool IsNull => Plain && Tag is null && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed class YSequence(int line, int column) : YNode(line, column)
{
    public List<YNode> Items { get; } = [];
}

internal sealed class YMapping(int line, int column) : YNode(line, column)
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    public YNode? Get(string key)
    {
        foreach (var e in Entries)
        {
            if (e.Key.Value == key)
            {
                return e.Value;
            }
        }
        return null;
    }
}
