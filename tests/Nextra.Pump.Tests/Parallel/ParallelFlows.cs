using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Tests.Parallel;

/// <summary>Flows and helpers shared by the fan-out / join / map / sequence tests.</summary>
internal static class ParallelFlows
{
    public const string Classes = """
        payloads:
          Q: {fields: {Text: string}}
          A: {fields: {Text: string}}
          R:
            fields:
              Items: {type: list, of: {fields: {Index: int, Success: bool, Error: string, Branch: {type: string, optional: true}, Answer: {type: object, optional: true, fields: {Text: string}}}}}
        """;

    /// <summary>ask fans out to b0..b{width-1} (script listeners answering the join by forward), collect joins, done outputs.</summary>
    public static string FanoutJoin(int width, string joinConfig = "", string branchExtra = "peers: [collect]")
    {
        var sb = new StringBuilder("organism: {name: fj}\nrun_timeout_seconds: 60\n").Append(Classes).Append('\n').Append("listeners:\n");
        var names = string.Join(", ", Enumerable.Range(0, width).Select(i => $"b{i}"));
        sb.Append($"  - {{name: ask, description: fans out, payload_class: Q, handler: fanout, config: {{fanout: [{names}]}}}}\n");
        for (var i = 0; i < width; i++)
        {
            sb.Append($"  - {{name: b{i}, description: branch {i}, payload_class: Q, handler: script, {branchExtra}}}\n");
        }
        sb.Append($"  - {{name: collect, description: joins, payload_class: A, handler: join, peers: [done], config: {{output: R{joinConfig}}}}}\n");
        sb.Append("  - {name: done, description: result, payload_class: R, handler: output}\n");
        return sb.ToString();
    }

    public static XElement Answer(string text) => new("A", new XElement("Text", text));

    public static string TextOf(HandlerContext c) => c.Payload.Element("Text")?.Value ?? "";

    /// <summary>The result's items as (index, success, error, answer text).</summary>
    public static List<(int Index, bool Success, string Error, string? Text)> Items(RunRecord run, string listener = "done")
    {
        var output = Assert.Single(run.Outputs, o => o.Listener == listener);
        return [.. output.Payload["Items"]!.AsArray().Select(i => (
            (int)i!["Index"]!.GetValue<long>(), i["Success"]!.GetValue<bool>(), i["Error"]!.GetValue<string>(),
            (i["Answer"] as JsonObject)?["Text"]?.GetValue<string>()))];
    }
}
