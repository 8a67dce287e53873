using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nextra.Pump.Config;

namespace Nextra.Pump.Handlers.Llm;

/// <summary>
/// Turns an LLM reply into emissions (DESIGN §3, the library's intended "dummy wrapping"): each payload
/// whose class a peer (or the agent itself) accepts is forwarded there, in order; <c>to</c> picks among
/// several; a class only non-peers accept is still forwarded so the pump's peer enforcement answers
/// it with SystemError; a reply-class payload no peer takes, or text alone, is responded.
/// </summary>
public static class OutputRouter
{
    public const string Unroutable = "llm_unroutable";

    public sealed record Routed(List<Emission> Emissions, List<string> Notes);

    /// <param name="reply">The whole LLM reply: when nothing is forwarded it is the answer, kept as written
    /// (line breaks, and any inline tags no listener accepts, survive).</param>
    public static Routed Route(string reply, PayloadExtraction extraction, HandlerContext context, string replyPayload)
    {
        var emissions = new List<Emission>();
        var notes = new List<string>(extraction.Repairs.Select(r => $"repaired LLM XML: {r}"));
        foreach (var original in extraction.Payloads)
        {
            var payload = new XElement(original);
            var cls = payload.Name.LocalName;
            var to = payload.Attribute("to")?.Value.Trim();
            payload.Attribute("to")?.Remove();
            var target = Target(cls, to, context, replyPayload, notes);
            if (target is not null)
                emissions.Add(Emission.Forward(StripNamespaces(payload), target));
            else if (cls == replyPayload)
                // The model wrote its answer as an explicit reply payload and no peer takes that class: respond with it.
                emissions.Add(Emission.Respond(StripNamespaces(payload)));
            else
                notes.Add($"<{cls}> ignored: no listener accepts class {cls}");
        }

        var text = extraction.TextOutside.Trim();
        if (emissions.Count == 0 && text.Length > 0)
            emissions.Add(Emission.Respond(Wrap(StripFences(reply), replyPayload, context)));
        else if (text.Length > 0)
            notes.Add($"text outside payloads not delivered ({text.Length} chars): responding would prune the sub-tasks just sent");
        return new Routed(emissions, notes);
    }

    private static string? Target(string cls, string? to, HandlerContext context, string replyPayload, List<string> notes)
    {
        if (!string.IsNullOrEmpty(to))
            return to;
        var peers = context.Peers.Where(p => p.PayloadClass == cls).ToList();
        if (peers.Count > 0)
        {
            if (peers.Count > 1)
                notes.Add($"<{cls}> is accepted by {string.Join(", ", peers.Select(p => p.Name))}; sent to {peers[0].Name} (add to=\"…\" to choose)");
            return peers[0].Name;
        }
        if (cls == replyPayload)
            return null;
        var others = context.Flow.Listeners.Where(l => l.PayloadClass == cls).ToList();
        return others.Count > 0 ? others[0].Name : null;
    }

    private static string StripFences(string reply)
    {
        var lines = reply.Split('\n').Where(l => !l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        return string.Join('\n', lines).Trim();
    }

    /// <summary>Wraps plain text into the reply class: its <c>Text</c> field, else its first string field.</summary>
    public static XElement Wrap(string text, string replyPayload, HandlerContext context)
    {
        var schema = context.Schemas.Find(replyPayload)
            ?? throw new HandlerException("llm_reply_payload", $"reply payload class '{replyPayload}' is not declared");
        var field = ReplyField(context.Flow, replyPayload) ?? "Text";
        return schema.FromJson(new JsonObject { [field] = text });
    }

    public static string? ReplyField(FlowDefinition flow, string replyPayload)
    {
        if (!flow.Payloads.TryGetValue(replyPayload, out var definition))
            return null;
        return definition.Fields.FirstOrDefault(f => f.Name.Equals("Text", StringComparison.OrdinalIgnoreCase) && f.Type == "string")?.Name
            ?? definition.Fields.FirstOrDefault(f => f.Type == "string")?.Name;
    }

    /// <summary>Payloads live in the empty namespace; an LLM that invents xmlns gets it removed.</summary>
    private static XElement StripNamespaces(XElement element)
    {
        foreach (var e in element.DescendantsAndSelf().ToList())
        {
            e.Name = XName.Get(e.Name.LocalName);
            e.Attributes().Where(a => a.IsNamespaceDeclaration || a.Name.Namespace != XNamespace.None).Remove();
        }
        return element;
    }
}
