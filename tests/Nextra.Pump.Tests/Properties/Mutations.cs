using System.Text;
using CsCheck;

namespace Nextra.Pump.Tests.Properties;

/// <summary>Generators of mutated text: deletions, insertions of syntax-laden tokens, duplicated and swapped lines.</summary>
internal static class Mutations
{
    private static readonly string[] YamlTokens =
    [
        ":", "- ", "{", "}", "[", "]", "\n", "  ", "&a ", "*a", "'", "\"", "#", "? ", "|", ">", "\t", "!!binary ", "~", "null", ",",
        "handler: llm", "handler: nope", "peers: [ghost]", "payload_class: Nope", "agent: true", "broadcast: yes", "timeout_seconds: -1",
        "cron: \"* * *\"", "if: \"((\"", "to: ghost", "parent: self", "fields: {A: {type: list}}", "max_message_depth: 0", "0x10", ".inf",
        "name: system", "name: a.b", "\u0000", "\u00e9", "%YAML 1.2\n---\n", "---\n", "...\n", "<<: *a",
    ];

    private static readonly string[] XmlTokens =
    [
        "<", ">", "</", "/>", "&", "&amp;", "&#x0;", "&#65;", "&bogus;", "\"", "'", "=", "<![CDATA[", "]]>", "<!--", "-->", "<?x ?>",
        "<!DOCTYPE x [<!ENTITY e \"e\">]>", "xmlns=\"urn:x\"", "xmlns:p=\"u\"", "p:", "<Text>", "</Text>", "<Msg>", "</Msg>", "\n", " ",
        "\u0001", "\uD800", "é", "<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\">", "<meta>", "<from>x</from>", "<thread>t</thread>",
    ];

    public static Gen<string> Yaml(IReadOnlyList<string> seeds) => Mutate(seeds, YamlTokens);

    public static Gen<string> Xml(IReadOnlyList<string> seeds) => Mutate(seeds, XmlTokens);

    private static Gen<string> Mutate(IReadOnlyList<string> seeds, string[] tokens) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int[0, 6], Gen.UInt, (seed, count, salt) => (seed, count, salt))
            .Select(t =>
            {
                var rng = new Random((int)t.salt);
                var text = new StringBuilder(seeds[t.seed]);
                for (var i = 0; i < t.count; i++)
                {
                    Apply(text, rng, tokens);
                }
                return text.ToString();
            });

    private static void Apply(StringBuilder text, Random rng, string[] tokens)
    {
        var at = text.Length == 0 ? 0 : rng.Next(text.Length);
        switch (rng.Next(5))
        {
            case 0:
                text.Remove(at, Math.Min(rng.Next(1, 12), text.Length - at));
                break;
            case 1:
            case 2:
                text.Insert(at, tokens[rng.Next(tokens.Length)]);
                break;
            case 3:
            {
                var lines = text.ToString().Split('\n').ToList();
                var i = rng.Next(lines.Count);
                lines.Insert(i, lines[rng.Next(lines.Count)]);
                text.Clear().Append(string.Join('\n', lines));
                break;
            }
            default:
            {
                var lines = text.ToString().Split('\n');
                var (i, j) = (rng.Next(lines.Length), rng.Next(lines.Length));
                (lines[i], lines[j]) = (lines[j], lines[i]);
                text.Clear().Append(string.Join('\n', lines));
                break;
            }
        }
    }

    /// <summary>Random YAML-ish documents built from flow vocabulary (keys nest at random).</summary>
    public static Gen<string> GeneratedYaml { get; } = Gen.UInt.Select(seed =>
    {
        var rng = new Random((int)seed);
        var keys = new[] { "organism", "name", "listeners", "payloads", "fields", "handler", "peers", "config", "cases", "if", "to", "else",
            "triggers", "cron", "type", "peer_tables", "entries", "parent", "llm", "backends", "provider", "description", "payload_class", "x" };
        var values = new[] { "output", "branch", "llm", "a", "b", "T", "string", "int", "list", "true", "3", "-1", "\"* * * * *\"", "[a, b]", "{}", "[]", "~" };
        var sb = new StringBuilder();
        void Emit(int depth, int indent)
        {
            var n = rng.Next(1, 5);
            for (var i = 0; i < n; i++)
            {
                sb.Append(' ', indent);
                if (rng.Next(4) == 0)
                {
                    sb.Append("- ");
                }
                sb.Append(keys[rng.Next(keys.Length)]).Append(':');
                if (depth < 4 && rng.Next(3) == 0)
                {
                    sb.Append('\n');
                    Emit(depth + 1, indent + 2);
                }
                else
                {
                    sb.Append(' ').Append(values[rng.Next(values.Length)]).Append('\n');
                }
            }
        }
        Emit(0, 0);
        return sb.ToString();
    });
}
