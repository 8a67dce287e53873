using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Memory;
using Nextra.Pump.Runtime;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Handlers.Parallel;

/// <summary>What joins, maps and sequences share: where their result goes, config checks, and the answer bookkeeping.</summary>
internal static class Collect
{
    /// <summary>The result goes to the one peer, or (no peers) is routed by class.</summary>
    public static Emission Result(XElement payload, ListenerDefinition listener) =>
        listener.Peers.Count == 1 ? Emission.Forward(payload, listener.Peers[0]) : new Emission(payload, null, false);

    public static void CheckPeers(ListenerDefinition listener, List<HandlerConfigProblem> problems)
    {
        if (listener.Peers.Count > 1)
        {
            problems.Add(new("invalid_value", $"a {listener.Handler} sends its result to one listener: give it one peer, or none to route the result by class", "/peers"));
        }
    }

    public static GatherCall Call(HandlerContext context) =>
        context.Gather ?? throw new HandlerException(StepCodes.NotABranch, $"'{context.Listener.Name}' runs only inside a pump");

    public static TimeSpan? Timeout(ConfigReader r, string key = "timeout_ms")
    {
        var ms = r.Double(key);
        if (ms is null)
            return null;
        if (ms <= 0 || ms > 7 * 24 * 3600 * 1000.0)
        {
            r.Problem("invalid_value", $"config.{key} must be a number of milliseconds above 0", key);
            return null;
        }
        return TimeSpan.FromMilliseconds(ms.Value);
    }

    /// <summary>A listener name from config, checked against the flow.</summary>
    public static string? Listener(ConfigReader r, FlowDefinition flow, string key, bool required, string what)
    {
        var name = r.String(key);
        if (name is null)
        {
            if (required && !r.Config.ContainsKey(key))
                r.Problem("missing_field", $"config.{key} is required: {what}", key);
            return null;
        }
        if (flow.Listeners.All(l => l.Name != name))
        {
            var near = Config.Yaml.YamlValues.Nearest(name, flow.Listeners.Select(l => l.Name));
            r.Problem("unknown_target", $"config.{key} '{name}' is no listener{(near is null ? "" : $"; did you mean '{near}'?")}", key);
            return null;
        }
        return name;
    }

    /// <summary>The result class from config <c>output</c>, checked for the result shape.</summary>
    public static ResultShape? Output(ConfigReader r, FlowDefinition flow)
    {
        var name = r.String("output");
        if (name is null)
        {
            if (!r.Config.ContainsKey("output"))
                r.Problem("missing_field", $"config.output is required: the payload class of the result ({ResultShape.Example})", "output");
            return null;
        }
        if (!flow.Payloads.ContainsKey(name))
        {
            r.Problem("unknown_payload_class", $"config.output '{name}' is not declared under payloads", "output");
            return null;
        }
        var shape = ResultShape.Resolve(flow, name, out var why);
        if (shape is null)
            r.Problem("result_shape", why!, "output");
        return shape;
    }

    public static IReadOnlyList<string>? Names(JsonNode? node) =>
        node is JsonArray a && a.All(x => x is JsonValue v && v.TryGetValue<string>(out _)) ? a.Select(x => x!.GetValue<string>()).ToList() : null;

    /// <summary>Fills the answer's slot; an answer with nowhere to go is a note step (the run goes on).</summary>
    public static async ValueTask<GatherFillResult> AnswerAsync(HandlerContext context, GatherCall call, FanoutGroup group, CancellationToken ct)
    {
        var name = context.Listener.Name;
        if (call.Slot < 0)
        {
            throw new HandlerException(StepCodes.UnexpectedBranch,
                $"'{name}' does not expect an answer from '{context.Metadata.From}' (expect: {string.Join(", ", group.Names)}); discarded");
        }
        var result = await call.Coordinator.FillAsync(group, call.Slot, GatherSlot.Ok(context.Payload, group.Names[call.Slot]), ct).ConfigureAwait(false);
        if (!result.Accepted)
        {
            throw result.Closed
                ? new HandlerException(StepCodes.LateAnswer, $"{group.Describe(call.Slot)} answered after '{name}' had emitted its result; discarded")
                : new HandlerException(StepCodes.DuplicateAnswer, $"{group.Describe(call.Slot)} had already answered '{name}'; this second answer is discarded");
        }
        return result;
    }

    /// <summary>Fills every unanswered slot with a timeout failure.</summary>
    public static async ValueTask TimeOutAsync(GatherCall call, FanoutGroup group, string what, CancellationToken ct)
    {
        for (var i = 0; i < group.Slots; i++)
        {
            if (!group.IsFilled(i))
            {
                await call.Coordinator.FillAsync(group, i, GatherSlot.Failed(StepCodes.Timeout, $"{what} did not answer before the deadline", group.Names[i]), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes the gather and builds the result; null when another call already emitted it.</summary>
    public static async ValueTask<XElement?> ResultAsync(HandlerContext context, GatherCall call, FanoutGroup group, ResultShape shape, CancellationToken ct)
    {
        var slots = await call.Coordinator.CloseAsync(group, ct).ConfigureAwait(false);
        if (slots is null)
        {
            return null;
        }
        var schema = context.Schemas.Find(shape.ClassName)
            ?? throw new HandlerException("unknown_payload_class", $"result class '{shape.ClassName}' is not declared");
        return shape.Build(slots, schema, i => GatherSlot.Failed(StepCodes.BranchEnded, "no answer", group.Names[i]));
    }
}
