using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Runtime;

/// <summary>Delivery of routed emissions: forwards to listeners, responses to callers, and the peer rules that allow them.</summary>
public sealed partial class StreamPump
{
    /// <summary>Returns where the forward went (listener names), or null when nothing was sent.</summary>
    private async ValueTask<string?> DeliverAsync(Route route, PumpMessage message, ListenerRuntime sender, List<PumpMessage> outbox, BranchTag? inherit, FanoutPlan? plan)
    {
        var run = message.Run;
        List<string>? delivered = null;
        for (var i = 0; i < route.Targets.Length; i++)
        {
            var target = route.Targets[i];
            var arrival = route.Arrivals[i];
            var branchSlot = route.IsFanoutBranch(i) && plan is not null ? plan.SlotOf[plan.NextBranch()] : -1;
            if (!PeerAllowed(sender, target.Name, run))
            {
                // xml-pipeline §9.12: blocked, recorded, and answered with the generic routing SystemError.
                var deliveredError = SendSystemError(outbox, sender, message, run, "routing",
                    "Your message could not be delivered: the addressee is not one of your peers.", inherit);
                var text = $"'{sender.Name}' may not address '{target.Name}' (not among its peers)";
                ErrorStep(run, target.Name, sender.Name, route.Schema.ClassName, message.ThreadId, StepCodes.PeerViolation, text, inherit,
                    handled: deliveredError || route.Emission.Slot is not null || branchSlot >= 0);
                if (route.Emission.Slot is { } refused)
                    await _parallel.SettleAsync(refused.Group, refused.Index, StepCodes.PeerViolation, text, _stop.Token).ConfigureAwait(false);
                else if (branchSlot >= 0)
                    await _parallel.SettleAsync(plan!.Group, branchSlot, StepCodes.PeerViolation, text, _stop.Token).ConfigureAwait(false);
                continue;
            }
            string uuid, chain;
            BranchTag? tag;
            if (arrival is not null)
            {
                // A branch answering its collector: on the collector's thread, whatever branch thread it came from.
                (uuid, chain, tag) = (arrival.Group.CollectorThread, arrival.Group.CollectorChain, inherit);
            }
            else if (route.Emission.Slot is { } slot)
            {
                // A map item or sequence step: a thread of its own, so items never share a context buffer.
                (uuid, chain) = await Threads.ExtendAsync(message.ThreadId, $"{target.Name}#{slot.Index}", _stop.Token).ConfigureAwait(false);
                tag = new BranchTag(slot.Group, slot.Index, slot.Group.Parent);
            }
            else
            {
                if (plan is not null && branchSlot >= 0 && plan.Group.IsFilled(branchSlot))
                {
                    continue; // answered before a restart: not asked again
                }
                (uuid, chain) = await Threads.ExtendAsync(message.ThreadId, target.Name, _stop.Token).ConfigureAwait(false);
                tag = plan is not null && route.IsFanoutBranch(i) ? new BranchTag(plan.Group, branchSlot, inherit) : inherit;
            }
            run?.TrackThread(uuid);
            ParallelCoordinator.Track(tag);
            outbox.Add(new PumpMessage
            {
                Payload = route.Targets.Length == 1 ? route.Payload : new XElement(route.Payload), Schema = route.Schema, From = sender.Name, To = target.Name,
                ThreadId = uuid, Chain = chain, Depth = message.Depth + 1, Run = run, Branch = tag, Arrival = arrival,
            });
            Agent(sender.Name, "sent", message.ThreadId);
            (delivered ??= []).Add(target.Name);
        }
        return delivered is null ? null : string.Join(",", delivered);
    }

    /// <summary>
    /// xml-pipeline §9.10: drop the last hop; back at the run's root the payload is an output for the injector.
    /// A branch responding to its fan-out point (a map item or sequence step responding to its collector) answers the collector.
    /// </summary>
    private async ValueTask<string?> RespondAsync(Route route, PumpMessage message, ListenerRuntime sender, PumpState state, List<PumpMessage> outbox, BranchTag? inherit)
    {
        var run = message.Run;
        var (payload, schema) = (route.Payload, route.Schema);
        var pruned = await Threads.PruneForResponseAsync(message.ThreadId, _stop.Token).ConfigureAwait(false);
        if (pruned is null)
        {
            return null; // a chain of one segment: respond ends the thread and sends nothing
        }
        var (targetName, uuid, chain) = pruned.Value;
        run?.TrackThread(uuid);
        if (run is not null && ParallelCoordinator.ArrivalFor(inherit, targetName, uuid) is { } arrival
            && state.ByName.TryGetValue(arrival.Group.Collector, out var collector))
        {
            ParallelCoordinator.Track(inherit);
            outbox.Add(new PumpMessage
            {
                Payload = payload, Schema = schema, From = sender.Name, To = collector.Name, ThreadId = arrival.Group.CollectorThread,
                Chain = arrival.Group.CollectorChain, Depth = message.Depth + 1, Run = run, Branch = inherit, Arrival = arrival,
            });
            Agent(sender.Name, "sent", message.ThreadId);
            return collector.Name;
        }
        if (run is not null && chain == run.RootChain)
        {
            run.AddOutput(new RunOutput
            {
                Listener = sender.Name, Class = schema.ClassName, Payload = schema.ToJson(payload),
                Xml = FastXml.Serialize(payload),
            });
            Agent(sender.Name, "sent", message.ThreadId);
            return "(injector)";
        }
        if (run is not null && chain.Length < run.RootChain.Length)
        {
            return null; // pruned past the injection point: the thread ends
        }
        if (!state.ByName.TryGetValue(targetName, out var target) || target.IsSystem || !target.Accepts(schema.ClassName))
        {
            ErrorStep(run, targetName, sender.Name, schema.ClassName, message.ThreadId, StepCodes.NoRoute,
                $"No listener for: {targetName.ToLowerInvariant()}.{schema.ClassName.ToLowerInvariant()} (respond from '{sender.Name}')", inherit);
            return null;
        }
        ParallelCoordinator.Track(inherit);
        outbox.Add(new PumpMessage
        {
            Payload = payload, Schema = schema, From = sender.Name, To = target.Name, ThreadId = uuid, Chain = chain,
            Depth = message.Depth + 1, Run = run, Branch = inherit,
        });
        Agent(sender.Name, "sent", message.ThreadId);
        return target.Name;
    }

    /// <summary>xml-pipeline §9.12/§9.13: enforced only for agents with a non-empty effective peer list; <c>fanout</c> targets are always allowed.</summary>
    private bool PeerAllowed(ListenerRuntime sender, string target, RunState? run)
    {
        if (!sender.Def.Agent)
        {
            return true;
        }
        var peers = EffectivePeers(sender, run);
        return peers.Count == 0 || peers.Contains(target) || sender.Def.Fanout.Contains(target);
    }

    private IReadOnlyList<string> EffectivePeers(ListenerRuntime listener, RunState? run) =>
        run?.PeerTable is { } table && PeerTables.PeersOf(table, listener.Name) is { } tablePeers ? tablePeers : listener.Def.Peers;

    private (IReadOnlyList<PeerInfo> Peers, string Usage) PeersFor(ListenerRuntime listener, RunState? run, PumpState state)
    {
        var table = run?.PeerTable ?? "";
        var version = PeerTables.Version + (Volatile.Read(ref _reloads) << 20);
        return listener.View(table, version, (Pump: this, Listener: listener, Run: run, State: state), static a =>
        {
            var (pump, listener, run, state) = a;
            var names = pump.EffectivePeers(listener, run);
            var list = new List<PeerInfo>(names.Count);
            foreach (var name in names)
            {
                if (state.ByName.TryGetValue(name, out var peer))
                {
                    list.Add(new PeerInfo(peer.Name, peer.Def.Description, peer.Def.PayloadClass, peer.Schema, peer.Name == listener.Name));
                }
            }
            return list;
        });
    }
}
