using System.Text;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Routing;

/// <summary>
/// The text that tells an agent whom it can address (xml-pipeline §4.3): each peer's description, XSD and
/// an example payload, closed by the warning that responding prunes sub-agents.
/// </summary>
public static class UsageInstructions
{
    public const string RespondWarning =
        "Response semantics: responding (instead of forwarding) returns your payload to whoever called you and " +
        "ends your part of the thread; any sub-agent you addressed on this thread is pruned. Finish every sub-task " +
        "before you respond.";

    public static string Build(string listener, string description, IReadOnlyList<PeerInfo> peers)
    {
        var sb = new StringBuilder();
        sb.Append("You are the ").Append(listener).Append(" agent. ").Append(description).Append("\n\n");
        if (peers.Count == 0)
        {
            sb.Append("You have no peers to send messages to.\n\n");
        }
        else
        {
            sb.Append("You can send these messages. Emit a payload as XML whose root element is the class name; the pump routes it.\n\n");
            foreach (var p in peers)
            {
                sb.Append("## ").Append(p.Name).Append(p.IsSelf ? " (yourself: loops back to you)" : "").Append('\n');
                sb.Append(p.Description).Append('\n');
                sb.Append("Payload class: ").Append(p.PayloadClass).Append('\n');
                sb.Append("Schema:\n").Append(p.Schema.Xsd).Append('\n');
                sb.Append("Example:\n").Append(p.Schema.ExampleXml).Append("\n\n");
            }
        }
        sb.Append(RespondWarning);
        return sb.ToString();
    }
}
