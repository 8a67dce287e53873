using System.Text.RegularExpressions;

namespace Nextra.Pump.Wasm.AssemblyScript;

/// <summary>
/// Parses asc's human output: a header <c>ERROR TS2322: message</c> followed, a few lines later,
/// by <c>└─ in module.ts(2,16)</c>.
/// </summary>
internal static partial class AscDiagnosticParser
{
    [GeneratedRegex(@"^(ERROR|WARNING|INFO)(?: (\w+))?: (.*)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"in (\S+?)\((\d+),(\d+)\)\s*$")]
    private static partial Regex Location();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    public static List<AscDiagnostic> Parse(string output)
    {
        var result = new List<AscDiagnostic>();
        (string Sev, string Code, string Msg)? open = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = Ansi().Replace(raw, "").TrimEnd('\r');
            var h = Header().Match(line.Trim());
            if (h.Success)
            {
                if (open is { } o)
                    result.Add(new AscDiagnostic(o.Sev, o.Code, o.Msg, 0, 0, ""));
                open = (h.Groups[1].Value.ToLowerInvariant(), h.Groups[2].Value, h.Groups[3].Value.Trim());
                continue;
            }
            var l = Location().Match(line);
            if (l.Success && open is { } cur)
            {
                var file = Path.GetFileName(l.Groups[1].Value);
                result.Add(new AscDiagnostic(cur.Sev, cur.Code, cur.Msg, int.Parse(l.Groups[2].Value), int.Parse(l.Groups[3].Value), file));
                open = null;
            }
        }
        if (open is { } last)
            result.Add(new AscDiagnostic(last.Sev, last.Code, last.Msg, 0, 0, ""));
        return result;
    }
}
