using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nextra.Modules.Marketplace;

/// <summary>A secret-looking value found in a template, at its 1-based line and column.</summary>
public sealed record TemplateFinding(int Line, int Column, string Message);

/// <summary>What the sanitizer made of a flow: the YAML to publish, the secrets it names, the tools it uses, and what blocks it.</summary>
public sealed record SanitizedTemplate(string Yaml, string[] Secrets, string[] Tools, TemplateFinding[] Findings);

/// <summary>
/// The server-side template sanitizer (R6): every scalar is scanned for keys, tokens, JWTs, PEM blocks, <c>Authorization</c> or
/// <c>Bearer</c> values, <c>user:pass@</c> URLs and long high-entropy strings; any hit blocks publishing with its line/col, and
/// the author turns it into a secret (<c>{{secret:NAME}}</c>, <c>*_secret: NAME</c>) or an input. Secret names are collected.
/// </summary>
public static partial class TemplateSanitizer
{
    private static readonly (Regex Pattern, string What)[] Patterns =
    [
        (new(@"AKIA[0-9A-Z]{16}", RegexOptions.CultureInvariant), "an AWS access key"),
        (new(@"\bsk-[A-Za-z0-9_\-]{16,}", RegexOptions.CultureInvariant), "an API key (sk-…)"),
        (new(@"\bxox[abposr]-[A-Za-z0-9-]{10,}", RegexOptions.CultureInvariant), "a Slack token"),
        (new(@"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.", RegexOptions.CultureInvariant), "a JWT"),
        (new(@"-----BEGIN [A-Z ]*PRIVATE KEY-----", RegexOptions.CultureInvariant), "a PEM private key"),
        (new(@"(?i)\bauthorization\s*:", RegexOptions.CultureInvariant), "an inline Authorization header"),
        (new(@"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}", RegexOptions.CultureInvariant), "an inline Bearer token"),
        (new(@"://[^/\s:@]+:[^/\s@]+@", RegexOptions.CultureInvariant), "a password in a URL"),
    ];

    [GeneratedRegex(@"\{\{\s*secret:([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex SecretRef();

    [GeneratedRegex(@"\$\{\{\s*inputs\.[A-Za-z0-9_-]+\s*\}\}")]
    private static partial Regex InputRef();

    [GeneratedRegex(@"[A-Za-z0-9+/_=-]{32,}")]
    private static partial Regex LongToken();

    [GeneratedRegex(@"^([a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*)@([0-9]+)$")]
    private static partial Regex ToolRef();

    public static SanitizedTemplate Sanitize(string yaml)
    {
        var findings = new List<TemplateFinding>();
        var secrets = new SortedSet<string>(StringComparer.Ordinal);
        var tools = new SortedSet<string>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        try
        {
            var parser = new Parser(new StringReader(yaml));
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart:
                        stack.Push(new Frame(true) { Key = stack.Count > 0 ? stack.Peek().Key : null });
                        break;
                    case SequenceStart:
                        stack.Push(new Frame(false) { Key = stack.Count > 0 ? stack.Peek().Key : null });
                        break;
                    case MappingEnd or SequenceEnd:
                        stack.Pop();
                        AfterValue(stack);
                        break;
                    case Scalar s when stack.Count > 0 && stack.Peek() is { IsMap: true, ExpectKey: true } frame:
                        frame.Key = s.Value;
                        frame.ExpectKey = false;
                        break;
                    case Scalar s:
                        Check(s, stack.Count > 0 ? stack.Peek().Key : null, findings, secrets, tools);
                        AfterValue(stack);
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            findings.Add(new((int)ex.Start.Line, (int)ex.Start.Column, "the flow's YAML does not parse: " + ex.Message));
        }
        return new SanitizedTemplate(yaml, [.. secrets], [.. tools], [.. findings]);
    }

    private sealed class Frame(bool isMap)
    {
        public bool IsMap { get; } = isMap;
        public bool ExpectKey { get; set; } = isMap;
        public string? Key { get; set; }
    }

    private static void AfterValue(Stack<Frame> stack)
    {
        if (stack.Count > 0 && stack.Peek().IsMap)
            stack.Peek().ExpectKey = true;
    }

    private static void Check(Scalar s, string? key, List<TemplateFinding> findings, SortedSet<string> secrets, SortedSet<string> tools)
    {
        var value = s.Value;
        var line = (int)s.Start.Line;
        var col = (int)s.Start.Column;
        foreach (Match m in SecretRef().Matches(value))
            secrets.Add(m.Groups[1].Value);
        if (key is not null && key.EndsWith("_secret", StringComparison.Ordinal) && value.Length > 0)
        {
            if (Regex.IsMatch(value, "^[A-Za-z_][A-Za-z0-9_]*$"))
                secrets.Add(value);
            else
                findings.Add(new(line, col, $"{key} must name a secret (letters, digits, _), not hold one"));
        }
        if (key == "module" && ToolRef().Match(value) is { Success: true } tool)
            tools.Add(tool.Value);
        var scan = InputRef().Replace(SecretRef().Replace(value, ""), "");
        foreach (var (pattern, what) in Patterns)
        {
            if (pattern.IsMatch(scan))
            {
                findings.Add(new(line, col, $"{what} in '{key ?? "value"}': make it a secret ({{{{secret:NAME}}}}) or an input"));
                return;
            }
        }
        foreach (Match m in LongToken().Matches(scan))
        {
            if (Entropy(m.Value) >= 4.0)
            {
                findings.Add(new(line, col, $"a long random-looking string in '{key ?? "value"}' (a key?): make it a secret or an input"));
                return;
            }
        }
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    private static double Entropy(string text)
    {
        var counts = text.GroupBy(c => c).Select(g => (double)g.Count() / text.Length);
        return -counts.Sum(p => p * Math.Log2(p));
    }
}
