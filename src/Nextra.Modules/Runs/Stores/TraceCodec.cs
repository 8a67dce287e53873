using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Runs.Stores;

/// <summary>
/// How a trace is laid out in the stores' columns, shared by SQLite and Postgres. Every XML text of a run (the
/// injected body, each step's input and emissions, each output's XML) is a numbered row of <c>payloads</c>, stored
/// once however many places carry it; the <c>injection</c> and <c>outputs</c> columns point at those rows instead of
/// embedding a JSON-escaped copy (a 684 KB XML body used to take 2.7 MB: the body, then an escaped copy in the
/// injection, another in the output's XML, where the default encoder writes each <c>&lt;</c> as six bytes). What is
/// still JSON (an output's payload object) is written with relaxed escaping: these columns are data, never HTML.
/// Rows written before this layout (XML inline) are read as they are.
/// </summary>
internal static class TraceCodec
{
    private static readonly TraceColumnsJsonContext Stored = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>A trace ready for the columns: payload bodies numbered from 0, steps with their payload numbers.</summary>
    internal sealed record Encoded(string Injection, string Outputs, IReadOnlyList<string> Payloads, IReadOnlyList<(RunStep Step, int? In, string? Outs)> Steps);

    public static Encoded Encode(TraceEntry entry)
    {
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var bodies = new List<string>();
        int Ref(string body)
        {
            if (numbers.TryGetValue(body, out var n)) return n;
            n = bodies.Count;
            numbers[body] = n;
            bodies.Add(body);
            return n;
        }
        var run = entry.Run;
        var steps = new List<(RunStep, int?, string?)>(run.Steps.Count);
        foreach (var step in run.Steps)
        {
            var payloadIn = step.PayloadIn is null ? (int?)null : Ref(step.PayloadIn);
            var outs = step.PayloadsOut is null ? null : JsonSerializer.Serialize(step.PayloadsOut.Select(Ref).ToArray(), Stored.Int32Array);
            steps.Add((step, payloadIn, outs));
        }
        var i = entry.Injection;
        var injection = new StoredInjection(i.Target, i.PayloadClass, null, null,
            i.PayloadXml is null ? null : Ref(i.PayloadXml), i.PayloadJson is null ? null : Ref(i.PayloadJson));
        var outputs = run.Outputs.Select(o => new StoredOutput(o.Listener, o.Class, o.Payload, null, Ref(o.Xml))).ToList();
        return new Encoded(JsonSerializer.Serialize(injection, Stored.StoredInjection), JsonSerializer.Serialize(outputs, Stored.ListStoredOutput), bodies, steps);
    }

    /// <summary>The payload numbers <paramref name="injectionJson"/> points at (none for rows with the XML inline).</summary>
    public static StoredInjection ReadInjection(string injectionJson) =>
        JsonSerializer.Deserialize(injectionJson, Stored.StoredInjection) ?? new StoredInjection(null, null, null, null, null, null);

    public static RecordedInjection DecodeInjection(StoredInjection s, IReadOnlyDictionary<int, string> bodies) => new(
        s.Target, s.PayloadClass,
        s.PayloadXmlRef is { } x ? bodies.GetValueOrDefault(x) : s.PayloadXml,
        s.PayloadJsonRef is { } j ? bodies.GetValueOrDefault(j) : s.PayloadJson);

    public static List<RunOutput> DecodeOutputs(string outputsJson, IReadOnlyDictionary<int, string> bodies) =>
        (JsonSerializer.Deserialize(outputsJson, Stored.ListStoredOutput) ?? []).Select(o => new RunOutput
        {
            Listener = o.Listener, Class = o.Class, Payload = o.Payload,
            Xml = o.XmlRef is { } n ? bodies.GetValueOrDefault(n) ?? "" : o.Xml ?? "",
        }).ToList();

    public static List<string> DecodeRefs(string refsJson, IReadOnlyDictionary<int, string> bodies) =>
        JsonSerializer.Deserialize(refsJson, Stored.Int32Array)!.Select(n => bodies.GetValueOrDefault(n) ?? "").ToList();
}

/// <summary>The <c>injection</c> column: payload numbers (current layout) or the bodies inline (rows written before it).</summary>
internal sealed record StoredInjection(string? Target, string? PayloadClass, string? PayloadXml, string? PayloadJson, int? PayloadXmlRef, int? PayloadJsonRef);

/// <summary>One entry of the <c>outputs</c> column: the XML as a payload number (current layout) or inline (before it).</summary>
internal sealed record StoredOutput(string Listener, string Class, JsonObject Payload, string? Xml, int? XmlRef);

/// <summary>Source-generated JSON for the trace columns (AOT-safe); used with relaxed escaping by <see cref="TraceCodec"/>.</summary>
[JsonSerializable(typeof(StoredInjection))]
[JsonSerializable(typeof(List<StoredOutput>))]
[JsonSerializable(typeof(int[]))]
internal sealed partial class TraceColumnsJsonContext : JsonSerializerContext;
