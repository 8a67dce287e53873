using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    /// <summary>An emission after validation and routing: its targets (with, per target, the branch it answers), or why it goes nowhere.</summary>
    private sealed record Route(Emission Emission, XElement Payload, IPayloadSchema Schema, ListenerRuntime[] Targets, BranchTag?[] Arrivals)
    {
        public bool IsFanoutBranch(int i) => !Emission.IsRespond && Emission.Slot is null && Arrivals[i] is null;
    }

    /// <summary>
    /// Routes every emission of a handler: validate, peer-check, extend/prune the chain, enqueue. Two or more
    /// forwards from one step are a fan-out: when a join collects them (see <see cref="JoinBinder"/>) each
    /// branch is tagged with its slot. <paramref name="inherit"/> is the branch stack the emissions carry on.
    /// </summary>
    private async ValueTask EmitAllAsync(HandlerResult result, PumpMessage message, ListenerRuntime sender, PumpState state, RunStep step, List<PumpMessage> outbox, BranchTag? inherit)
    {
        var run = message.Run;
        if (result.Emissions.Count == 0 || (run is not null && run.IsFinished))
        {
            return;
        }
        var emissions = sender.Def.Fanout.Count > 0 ? FanoutEmissions(result.Emissions, sender.Def.Fanout) : result.Emissions;
        var routes = new Route?[emissions.Count];
        var branches = 0;
        for (var i = 0; i < emissions.Count; i++)
        {
            routes[i] = await ResolveAsync(emissions[i], message, sender, state, inherit).ConfigureAwait(false);
            if (routes[i] is { } r)
            {
                for (var t = 0; t < r.Targets.Length; t++)
                    branches += r.IsFanoutBranch(t) ? 1 : 0;
            }
        }
        FanoutPlan? plan = null;
        // Two or more forwards at once are a fan-out; so is a `fanout:` list of one (its join still collects it).
        if (branches >= 2 || (branches == 1 && sender.Def.Fanout.Count > 0))
        {
            var limits = _services.Parallel ?? ParallelLimits.Unlimited;
            if (branches > limits.MaxBranches)
            {
                ErrorStep(run, sender.Name, sender.Name, "?", message.ThreadId, StepCodes.TooManyBranches,
                    $"'{sender.Name}' fanned out to {branches} listeners at once; at most {limits.MaxBranches} may run in parallel (tier limit max_parallel_branches); nothing was sent", inherit);
                return;
            }
            if (run is not null && state.Joins.HasJoins)
            {
                var names = new List<string>(branches);
                foreach (var r in routes)
                {
                    for (var t = 0; r is not null && t < r.Targets.Length; t++)
                    {
                        if (r.IsFanoutBranch(t))
                            names.Add(r.Targets[t].Name);
                    }
                }
                plan = await FanoutPlan.OpenAsync(_parallel, Threads, state, run, message, sender.Name, names, inherit, _stop.Token).ConfigureAwait(false);
            }
        }
        List<string>? targets = null;
        foreach (var route in routes)
        {
            if (route is null)
            {
                continue;
            }
            var sent = route.Emission.IsRespond
                ? await RespondAsync(route, message, sender, state, outbox, inherit).ConfigureAwait(false)
                : await DeliverAsync(route, message, sender, outbox, inherit, plan).ConfigureAwait(false);
            if (sent is not null)
            {
                (targets ??= []).Add(sent);
                if (_options.RecordPayloads && run is not null)
                {
                    (step.PayloadsOut ??= []).Add(FastXml.Serialize(route.Payload));
                }
            }
        }
        if (targets is not null)
        {
            step.To = string.Join(",", targets);
        }
        if (WentBackDespiteEdges(sender, routes, inherit))
        {
            ErrorStep(run, sender.Name, sender.Name, step.Class, message.ThreadId, StepCodes.NotForwarded,
                $"'{sender.Name}' answered its caller: none of its peers ({string.Join(", ", sender.Def.Peers)}) received its result. A code block forwards by itself only with one peer; with several, set \"_to\" in its output");
        }
    }

    /// <summary>
    /// A code, plugin or HTTP step with edges drawn out of it whose every result went back to the caller
    /// (outside parallel work, where answering is how a branch ends): the run view shows it as a note.
    /// </summary>
    private static bool WentBackDespiteEdges(ListenerRuntime sender, Route?[] routes, BranchTag? inherit)
    {
        if (inherit is not null || sender.Def.Agent || sender.Def.Peers.Count == 0 || sender.Def.Handler is not ("code" or "dotnet" or "http"))
            return false;
        var any = false;
        foreach (var r in routes)
        {
            if (r is null || !r.Emission.IsRespond || r.Emission.Slot is not null)
                return false;
            any = true;
        }
        return any;
    }

    /// <summary><c>config.fanout</c>: every emission goes to each listed listener instead.</summary>
    private static List<Emission> FanoutEmissions(IReadOnlyList<Emission> emissions, IReadOnlyList<string> fanout)
    {
        var list = new List<Emission>(emissions.Count * fanout.Count);
        foreach (var e in emissions)
        {
            if (e.Slot is not null)
            {
                list.Add(e);
                continue;
            }
            foreach (var to in fanout)
            {
                list.Add(Emission.Forward(e.Payload, to));
            }
        }
        return list;
    }

    /// <summary>Validates and routes one emission; null when it was refused (the refusal is recorded).</summary>
    private async ValueTask<Route?> ResolveAsync(Emission emission, PumpMessage message, ListenerRuntime sender, PumpState state, BranchTag? inherit)
    {
        var run = message.Run;
        var payload = emission.Payload;
        if (payload is null)
        {
            await RefuseAsync(emission, run, emission.To ?? "?", sender.Name, "?", message.ThreadId, StepCodes.InvalidResult, $"'{sender.Name}' emitted no payload", inherit).ConfigureAwait(false);
            return null;
        }
        if (payload.Parent is not null)
        {
            payload = new XElement(payload); // a payload is a root of its own; never share a subtree with the sender
        }
        var className = payload.Name.LocalName;
        var schema = payload.Name.NamespaceName.Length == 0 ? state.Schemas.Find(className) : null;
        if (schema is null)
        {
            await RefuseAsync(emission, run, emission.To ?? "?", sender.Name, className, message.ThreadId, StepCodes.PayloadInvalid,
                payload.Name.NamespaceName.Length != 0
                    ? $"'{sender.Name}' emitted <{className}> in namespace '{payload.Name.NamespaceName}'; payloads live in no namespace"
                    : $"'{sender.Name}' emitted <{className}>, which is not a payload class of this flow", inherit).ConfigureAwait(false);
            return null;
        }
        var invalid = schema.Validate(payload);
        if (invalid is not null)
        {
            await RefuseAsync(emission, run, emission.To ?? "?", sender.Name, className, message.ThreadId, StepCodes.PayloadInvalid,
                $"'{sender.Name}' emitted an invalid {className}: {invalid}", inherit).ConfigureAwait(false);
            return null;
        }
        if (emission.IsRespond)
        {
            return new Route(emission, payload, schema, [], []);
        }
        if (emission.To is { } to)
        {
            var found = state.ByName.TryGetValue(to, out var target) && !target.IsSystem;
            var arrival = found && target!.IsCollector ? ParallelCoordinator.ArrivalFor(inherit, to) : null;
            if (!found || (arrival is null && !target!.Accepts(className)))
            {
                await RefuseAsync(emission, run, to, sender.Name, className, message.ThreadId, StepCodes.NoRoute,
                    $"No listener for: {to.ToLowerInvariant()}.{className.ToLowerInvariant()}" +
                    (found ? $" ('{to}' accepts {target!.Def.PayloadClass})" : $" (no listener named '{to}')"), inherit).ConfigureAwait(false);
                return null;
            }
            return new Route(emission, payload, schema, [target!], [arrival]);
        }
        var routed = state.RouteByClass(className, out var why);
        if (routed is null)
        {
            await RefuseAsync(emission, run, "?", sender.Name, className, message.ThreadId, StepCodes.NoRoute, why!, inherit).ConfigureAwait(false);
            return null;
        }
        return new Route(emission, payload, schema, routed,
            [.. routed.Select(t => t.IsCollector ? ParallelCoordinator.ArrivalFor(inherit, t.Name) : null)]);
    }

    /// <summary>Records a refused emission; a map item or sequence step that could not be sent fails its slot at once.</summary>
    private async ValueTask RefuseAsync(Emission emission, RunState? run, string listener, string from, string className, string thread, string code, string text, BranchTag? inherit)
    {
        ErrorStep(run, listener, from, className, thread, code, text, inherit, handled: emission.Slot is not null);
        if (emission.Slot is { } slot)
        {
            await _parallel.SettleAsync(slot.Group, slot.Index, code, text, _stop.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a SystemError from <c>system</c> to <paramref name="listener"/> on the message's thread, if it can receive one.</summary>
    private bool SendSystemError(List<PumpMessage> outbox, ListenerRuntime listener, PumpMessage message, RunState? run, string code, string text, BranchTag? branch)
    {
        if (!listener.AcceptsSystemError || (run is not null && run.IsFinished) || _stopping)
        {
            return false;
        }
        var payload = new XElement(BuiltInPayloads.SystemError,
            new XElement("Code", code), new XElement("Message", text), new XElement("RetryAllowed", "true"));
        ParallelCoordinator.Track(branch); // still part of the branch: the agent may yet answer
        outbox.Add(new PumpMessage
        {
            Payload = payload, Schema = _state.Schemas.Find(BuiltInPayloads.SystemError)!, From = "system", To = listener.Name,
            ThreadId = message.ThreadId, Chain = message.Chain, Depth = message.Depth + 1, Run = run, Branch = branch,
        });
        return true;
    }

    /// <summary>
    /// Records a failed hop as a step of its own (errors are never only logged). Inside a fan-out branch the
    /// error is remembered for the branch's slot and counts as handled: the collector reports it.
    /// </summary>
    private void ErrorStep(RunState? run, string listener, string from, string className, string thread, string code, string message, BranchTag? branch = null, bool handled = false)
    {
        Log(StepCodes.IsNote(code) ? "info" : "warning", $"{code}: {message}");
        if (run is null || run.IsFinished)
        {
            return;
        }
        if (branch is not null && !StepCodes.IsNote(code))
        {
            ParallelCoordinator.RecordError(branch, code, message);
            handled = true;
        }
        var step = new RunStep
        {
            Index = run.NextStepIndex(), Listener = listener, From = from, Class = className, Thread = thread,
            StartedAt = _time.GetUtcNow(), Error = new StepError(code, message),
        };
        StepStarted(run, step);
        run.AddStep(step, handled);
        StepCompleted(run, step);
    }
}
