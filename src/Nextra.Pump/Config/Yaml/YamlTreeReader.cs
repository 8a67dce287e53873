using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nextra.Pump.Config.Yaml;

/// <summary>Reads one YAML document into a <see cref="YNode"/> tree, collecting problems instead of throwing.</summary>
internal static class YamlTreeReader
{
    public static YNode? Read(string text, ProblemSink problems)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var lastLine = 1;
        var lastColumn = 1;
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, anchors, problems, ref lastLine, ref lastColumn, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var ev = parser.Current;
                problems.Add((int)(ev?.Start.Line ?? lastLine), (int)(ev?.Start.Column ?? lastColumn), "yaml_syntax",
                    "the file holds more than one YAML document; put the whole flow in one");
            }
            return root;
        }
        catch (YamlException ex)
        {
            var line = ex.Start.Line > 0 ? (int)ex.Start.Line : lastLine;
            var column = ex.Start.Column > 0 ? (int)ex.Start.Column : lastColumn;
            problems.Add(line, column, "yaml_syntax", Clean(ex.Message));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet's scanner throws unlocated exceptions on some malformed input; point at
            // the last node that parsed, which is where the reader gave up.
            problems.Add(lastLine, lastColumn, "yaml_syntax", "the YAML could not be parsed after this point: " + ex.Message);
            return null;
        }
    }

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 3) - (…): "; the location is reported separately.
        var idx = message.LastIndexOf("): ", StringComparison.Ordinal);
        return idx >= 0 && message.StartsWith('(') ? message[(idx + 3)..] : message;
    }

    private static YNode ReadNode(IParser parser, Dictionary<string, YNode> anchors, ProblemSink problems, ref int lastLine, ref int lastColumn, int depth)
    {
        var ev = parser.Current ?? throw new YamlException("unexpected end of YAML");
        if (depth > MaxDepth)
        {
            throw new YamlException(ev.Start, ev.End, $"nesting deeper than {MaxDepth} levels");
        }
        lastLine = (int)ev.Start.Line;
        lastColumn = (int)ev.Start.Column;
        switch (ev)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    return target;
                }
                problems.Add(lastLine, lastColumn, "yaml_syntax", $"alias *{alias.Value.Value} names no anchor");
                return new YScalar(lastLine, lastColumn, "", true, null);
            case Scalar scalar:
            {
                parser.MoveNext();
                var tag = scalar.Tag.IsEmpty || scalar.Tag.Value == "!" ? null : scalar.Tag.Value;
                var node = new YScalar(lastLine, lastColumn, scalar.Value, scalar.Style == ScalarStyle.Plain, tag);
                Remember(scalar.Anchor, node, anchors);
                return node;
            }
            case SequenceStart seqStart:
            {
                parser.MoveNext();
                var seq = new YSequence(lastLine, lastColumn);
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    var item = ReadNode(parser, anchors, problems, ref lastLine, ref lastColumn, depth + 1);
                    seq.Items.Add(item);
                    seq.Size = Grow(seq.Size, item.Size);
                }
                // Registered only once complete, so an alias can never make the tree cyclic.
                Remember(seqStart.Anchor, seq, anchors);
                return seq;
            }
            case MappingStart mapStart:
            {
                parser.MoveNext();
                var map = new YMapping(lastLine, lastColumn);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, anchors, problems, ref lastLine, ref lastColumn, depth + 1);
                    var value = ReadNode(parser, anchors, problems, ref lastLine, ref lastColumn, depth + 1);
                    if (keyNode is not YScalar key)
                    {
                        problems.Add(keyNode.Line, keyNode.Column, "yaml_syntax", "mapping keys must be plain strings");
                        continue;
                    }
                    if (map.Get(key.Value) is not null)
                    {
                        problems.Add(key.Line, key.Column, "duplicate_key", $"key '{key.Value}' appears twice in this mapping; keep one");
                        continue;
                    }
                    map.Entries.Add(new(key, value));
                    map.Size = Grow(map.Size, value.Size + 1);
                }
                Remember(mapStart.Anchor, map, anchors);
                return map;
            }
            default:
                throw new YamlException(ev.Start, ev.End, $"unexpected YAML event {ev.GetType().Name}");
        }
    }

    private static long Grow(long size, long add)
    {
        var total = size + add;
        if (total > MaxExpandedNodes)
        {
            throw new YamlException("the document expands to more than 1,000,000 nodes (alias bomb?)");
        }
        return total;
    }

    private const long MaxExpandedNodes = 1_000_000;
    private const int MaxDepth = 64;

    private static void Remember(AnchorName anchor, YNode node, Dictionary<string, YNode> anchors)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }
}
