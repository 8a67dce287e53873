using System.Xml.Linq;
using Nextra.Pump.Llm;

namespace Nextra.Pump.Handlers.Llm;

/// <summary>
/// Builds the chat in the library's order (§4.3, §9.25): system prompt, usage instructions (with our
/// output-format note), the thread's history (assistant for this agent's own slots, user otherwise,
/// each "[From sender]" + XML), then the incoming payload.
/// </summary>
public static class PromptBuilder
{
    public static List<ChatMessage> Build(HandlerContext context, string replyPayload)
    {
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(context.Listener.Prompt))
            messages.Add(new ChatMessage("system", context.Listener.Prompt.Trim()));
        var usage = context.Metadata.UsageInstructions;
        messages.Add(new ChatMessage("system", (string.IsNullOrWhiteSpace(usage) ? "" : usage.TrimEnd() + "\n\n") + OutputFormat(context, replyPayload)));

        var history = context.History;
        var count = history.Count;
        // The buffer may already hold the payload being handled; it is sent last as the user turn, not twice.
        if (count > 0 && IsCurrent(history[count - 1], context))
            count--;
        for (var i = 0; i < count; i++)
        {
            var slot = history[i];
            var role = slot.From == context.Metadata.OwnName ? "assistant" : "user";
            messages.Add(new ChatMessage(role, $"[From {slot.From}]\n{slot.PayloadXml}"));
        }
        messages.Add(new ChatMessage("user", $"[From {context.Metadata.From}]\n{context.Payload}"));
        return messages;
    }

    private static string OutputFormat(HandlerContext context, string replyPayload)
    {
        var peers = context.Peers.Count == 0
            ? ""
            : "To send a message, write its XML payload exactly as in the examples (root element = payload class, one element per field). "
              + "You may send several payloads in one answer; they are delivered in order. "
              + "If more than one listener accepts a class, add to=\"listener-name\" on the payload's root element. ";
        return "## Output format\n" + peers
            + $"Plain text outside any payload is your answer to your caller (delivered as <{replyPayload}>); "
            + "when you send payloads, text around them is not delivered.";
    }

    private static bool IsCurrent(ContextSlot slot, HandlerContext context)
    {
        if (slot.PayloadClass != context.Payload.Name.LocalName)
            return false;
        try
        {
            return XNode.DeepEquals(XElement.Parse(slot.PayloadXml), context.Payload);
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }
}
