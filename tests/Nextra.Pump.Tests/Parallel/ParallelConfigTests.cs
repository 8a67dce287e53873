using Nextra.Pump.Config;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Tests.Parallel;

/// <summary>Config problems of fanout, join, map and sequence: stable codes at the offending key's line and column.</summary>
public class ParallelConfigTests
{
    private const string Head = """
        organism: {name: c}
        payloads:
          Q: {fields: {Text: string}}
          L: {fields: {Things: {type: list, of: string}}}
          R: {fields: {Items: {type: list, of: {fields: {Index: int, Success: bool, Error: string, Payload: {type: xml, optional: true}}}}}}
          Bad: {fields: {Items: {type: list, of: {fields: {Index: int, Payload: xml}}}}}
        listeners:
          - {name: out, description: o, payload_class: R, handler: output}
          - {name: q, description: q, payload_class: Q, handler: output}

        """;

    private static IReadOnlyList<ValidationProblem> Problems(string listeners) =>
        FlowLoader.Load(Head + listeners, new HandlerRegistry()).Problems;

    /// <summary>Expects <paramref name="code"/> on the listener's line (line 10), at the column where <paramref name="at"/> starts.</summary>
    private static void Has(string listeners, string code, string at, string? text = null)
    {
        const int line = 10;
        var column = listeners.IndexOf(at, StringComparison.Ordinal) + 1;
        Assert.True(column > 0, at);
        var problems = Problems(listeners);
        Assert.True(problems.Any(p => p.Code == code && p.Line == line && p.Column == column && (text is null || p.Message.Contains(text))),
            string.Join("\n", problems));
    }

    [Fact]
    public void Valid_EveryKind_NoProblems()
    {
        var problems = Problems("""
              - {name: f, description: f, payload_class: Q, handler: fanout, config: {fanout: [q, j]}}
              - {name: j, description: j, payload_class: Q, handler: join, peers: [out], config: {expect: [q], timeout_ms: 100, output: R}}
              - {name: m, description: m, payload_class: L, handler: map, config: {to: q, item_class: Q, output: R}}
              - {name: s, description: s, payload_class: Q, handler: sequence, config: {steps: [q, q], on_error: continue}}
            """);
        Assert.Empty(problems);
    }

    [Fact]
    public void Fanout_UnknownTarget_AtTheEntry() =>
        Has("  - {name: f, description: f, payload_class: Q, handler: fanout, config: {fanout: [q, nope]}}\n", "unknown_target", "nope", "fans out to 'nope'");

    [Fact]
    public void Fanout_KindWithoutList_MissingField() =>
        Has("  - {name: f, description: f, payload_class: Q, handler: fanout}\n", "missing_field", "{name");

    [Fact]
    public void Fanout_OnAnOutput_InvalidValue() =>
        Has("  - {name: f, description: f, payload_class: Q, handler: output, config: {fanout: [q]}}\n", "invalid_value", "[q]");

    [Fact]
    public void Join_Problems_Located()
    {
        Has("  - {name: j, description: j, payload_class: Q, handler: join, config: {expect: [q]}}\n", "missing_field", "{expect", "config.output");
        Has("  - {name: j, description: j, payload_class: Q, handler: join, config: {output: Bad}}\n", "result_shape", "Bad}", "Success: bool");
        Has("  - {name: j, description: j, payload_class: Q, handler: join, config: {output: R, expect: [q, zz]}}\n", "unknown_target", "zz");
        Has("  - {name: j, description: j, payload_class: Q, handler: join, peers: [q, out], config: {output: R}}\n", "invalid_value", "[q, out]", "one listener");
        Has("  - {name: j, description: j, payload_class: Q, handler: join, config: {output: R, timeout_ms: -1}}\n", "invalid_value", "-1");
    }

    [Fact]
    public void Map_Problems_Located()
    {
        Has("  - {name: m, description: m, payload_class: L, handler: map, config: {to: out, item_class: Q, output: R}}\n", "payload_mismatch", "out, item", "accepts R");
        Has("  - {name: m, description: m, payload_class: Q, handler: map, config: {to: q, item_class: Q, output: R}}\n", "missing_field", "{to", "config.items");
        Has("  - {name: m, description: m, payload_class: L, handler: map, config: {to: q, item_class: Q, output: R, concurrency: 0}}\n", "invalid_value", "0}}");
    }

    [Fact]
    public void Sequence_Problems_Located()
    {
        Has("  - {name: s, description: s, payload_class: Q, handler: sequence, config: {steps: [q, nobody]}}\n", "unknown_target", "nobody");
        Has("  - {name: s, description: s, payload_class: Q, handler: sequence, config: {steps: [out]}}\n", "payload_mismatch", "out]");
        Has("  - {name: s, description: s, payload_class: Q, handler: sequence, config: {steps: [q], on_error: maybe}}\n", "invalid_value", "maybe");
    }
}
