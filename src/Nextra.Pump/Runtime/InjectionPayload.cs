using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Messages;
using Nextra.Pump.Routing;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Runtime;

/// <summary>A payload an injection cannot carry: <c>payload_too_deep</c> or <c>payload_invalid</c>, and why.</summary>
public sealed record InjectionProblem(string Code, string Message);

/// <summary>
/// Reads an injection's payload the way the pump does (XML, envelope or JSON; lenient repair of dirty XML;
/// the nesting limit) and checks it against its class and target. The pump uses it on every injection;
/// the server calls <see cref="Check"/> to refuse a bad webhook or inject body before acknowledging it.
/// </summary>
public static class InjectionPayload
{
    public const string TooDeep = "payload_too_deep";
    public const string Invalid = "payload_invalid";

    // Compiling a flow's payload classes builds XSD text; a definition is immutable, so its set is built once.
    private static readonly ConditionalWeakTable<FlowDefinition, PayloadSchemaSet> Schemas = new();

    /// <summary>The compiled payload classes of <paramref name="flow"/>, shared by every caller holding the same definition.</summary>
    public static PayloadSchemaSet SchemasOf(FlowDefinition flow) => Schemas.GetValue(flow, static f => new PayloadSchemaSet(f));

    /// <summary>Null when the pump would accept the injection's payload; else the problem it would fail the run with.</summary>
    public static InjectionProblem? Check(FlowDefinition flow, Injection injection, int maxXmlDepth = XmlLimits.DefaultMaxDepth)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(injection);
        var schemas = SchemasOf(flow);
        try
        {
            var (payload, _, to, _) = Read(injection, flow, schemas, maxXmlDepth, []);
            var className = payload.Name.LocalName;
            var schema = schemas.Find(className) ?? throw NotAClass(className, schemas);
            if ((injection.Target ?? to) is { } target && flow.Listeners.FirstOrDefault(l => l.Name == target) is { } listener
                && listener.PayloadClass != className && !(className == BuiltInPayloads.SystemError && listener.Agent))
            {
                return new(Invalid, $"listener '{target}' takes {listener.PayloadClass}, not {className}");
            }
            return schema.Validate(payload) is { } error ? new(Invalid, $"the payload does not match {className}: {error}") : null;
        }
        catch (PumpException ex) when (ex.Code is TooDeep or Invalid)
        {
            return new(ex.Code, ex.Message);
        }
    }

    internal static PumpException NotAClass(string className, PayloadSchemaSet schemas) =>
        new(Invalid, $"<{className}> is not a payload class of this flow (classes: {string.Join(", ", schemas.All.Keys)})");

    /// <summary>Turns the injection into a payload element (+ envelope meta when an envelope was given); notes collect repairs.</summary>
    internal static (XElement Payload, string? From, string? To, string? Thread) Read(Injection inj, FlowDefinition flow, PayloadSchemaSet schemas,
        int maxXmlDepth, List<StepError> notes)
    {
        if (inj.PayloadJson is { } json)
        {
            var cls = inj.PayloadClass
                ?? (inj.Target is { } t ? flow.Listeners.FirstOrDefault(l => l.Name == t)?.PayloadClass : null)
                ?? (flow.Triggers.Count > 0 ? flow.Triggers[0].Payload : null)
                ?? throw new PumpException(Invalid, "a JSON payload needs a payload class (--payload) or a target listener");
            var schema = schemas.Find(cls) ?? throw new PumpException(Invalid, $"unknown payload class '{cls}'");
            try
            {
                return (schema.FromJson(json, maxXmlDepth), null, null, null);
            }
            catch (PayloadMappingException ex)
            {
                throw new PumpException(ex.Code == "too_deep" ? TooDeep : Invalid, $"the JSON does not map onto {cls}: {ex.Message}");
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json refuses to read a string holding an unpaired surrogate ("\ud800").
                throw new PumpException(Invalid, $"the JSON does not map onto {cls}: {ex.Message}");
            }
        }
        if (string.IsNullOrWhiteSpace(inj.PayloadXml))
        {
            throw new PumpException(Invalid, "the injection carries no payload (XML or JSON)");
        }
        if (!Envelope.TryParseStrict(inj.PayloadXml, maxXmlDepth, out var element, out var parseError, out var tooDeep))
        {
            if (tooDeep)
            {
                // Refused outright: repairing it would only flatten what nobody should have sent.
                throw new PumpException(TooDeep, $"the payload is {parseError}");
            }
            var (repaired, repairs) = XmlRepair.RepairSingle(inj.PayloadXml);
            if (repaired is null)
            {
                throw new PumpException(Invalid, $"the payload is not XML: {parseError}");
            }
            element = repaired;
            notes.Add(new StepError(StepCodes.XmlRepaired, "repaired the injected XML: " + string.Join("; ", repairs.Distinct())));
        }
        if (!Envelope.IsEnvelope(element!))
        {
            return (element!, null, null, null);
        }
        var parts = Envelope.Parse(element!, out var envError) ?? throw new PumpException(Invalid, envError!);
        var thread = parts.Thread;
        if (!Envelope.IsCanonicalThreadId(thread))
        {
            var fresh = ThreadRegistry.NewUuid();
            notes.Add(new StepError(StepCodes.ThreadReplaced, $"thread '{Shorten(thread)}' is not a canonical lowercase UUIDv4; replaced by {fresh}"));
            thread = fresh;
        }
        var payload = new XElement(parts.Payload);
        return (payload, parts.From, parts.To, thread);
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
