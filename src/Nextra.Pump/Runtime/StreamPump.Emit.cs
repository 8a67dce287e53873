using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    /// <summary>Routes every emission of a handler: validate, peer-check, extend/prune the chain, enqueue.</summary>
    private async ValueTask EmitAllAsync(HandlerResult result, PumpMessage message, ListenerRuntime sender, PumpState state, RunStep step, List<PumpMessage> outbox)
    {
        var run = message.Run;
        if (result.Emissions.Count == 0 || (run is not null && run.IsFinished))
        {
            return;
        }
        List<string>? targets = null;
        foreach (var emission in result.Emissions)
        {
            var sent = await EmitAsync(emission, message, sender, state, outbox).ConfigureAwait(false);
            if (sent is not null)
            {
                (targets ??= []).Add(sent);
                if (_options.RecordPayloads && run is not null)
                {
                    (step.PayloadsOut ??= []).Add(FastXml.Serialize(emission.Payload));
                }
            }
        }
        if (targets is not null)
        {
            step.To = string.Join(",", targets);
        }
    }

    /// <summary>Returns where the emission went (listener names, or the injector), or null when it was refused or ended the chain.</summary>
    private async ValueTask<string?> EmitAsync(Emission emission, PumpMessage message, ListenerRuntime sender, PumpState state, List<PumpMessage> outbox)
    {
        var run = message.Run;
        var payload = emission.Payload;
        if (payload is null)
        {
            ErrorStep(run, emission.To ?? "?", sender.Name, "?", message.ThreadId, StepCodes.InvalidResult, $"'{sender.Name}' emitted no payload");
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
            ErrorStep(run, emission.To ?? "?", sender.Name, className, message.ThreadId, StepCodes.PayloadInvalid,
                payload.Name.NamespaceName.Length != 0
                    ? $"'{sender.Name}' emitted <{className}> in namespace '{payload.Name.NamespaceName}'; payloads live in no namespace"
                    : $"'{sender.Name}' emitted <{className}>, which is not a payload class of this flow");
            return null;
        }
        var invalid = schema.Validate(payload);
        if (invalid is not null)
        {
            ErrorStep(run, emission.To ?? "?", sender.Name, className, message.ThreadId, StepCodes.PayloadInvalid,
                $"'{sender.Name}' emitted an invalid {className}: {invalid}");
            return null;
        }

        if (emission.IsRespond)
        {
            return await RespondAsync(payload, schema, message, sender, state, outbox).ConfigureAwait(false);
        }

        ListenerRuntime[] targets;
        if (emission.To is { } to)
        {
            if (!state.ByName.TryGetValue(to, out var target) || target.IsSystem || !target.Accepts(className))
            {
                ErrorStep(run, to, sender.Name, className, message.ThreadId, StepCodes.NoRoute,
                    $"No listener for: {to.ToLowerInvariant()}.{className.ToLowerInvariant()}" +
                    (target is not null && !target.IsSystem ? $" ('{to}' accepts {target.Def.PayloadClass})" : $" (no listener named '{to}')"));
                return null;
            }
            targets = [target];
        }
        else
        {
            var routed = state.RouteByClass(className, out var why);
            if (routed is null)
            {
                ErrorStep(run, "?", sender.Name, className, message.ThreadId, StepCodes.NoRoute, why!);
                return null;
            }
            targets = routed;
        }

        List<string>? delivered = null;
        foreach (var target in targets)
        {
            if (!PeerAllowed(sender, target.Name, run))
            {
                // xml-pipeline §9.12: blocked, recorded, and answered with the generic routing SystemError.
                var deliveredError = SendSystemError(outbox, sender, message, run, "routing",
                    "Your message could not be delivered: the addressee is not one of your peers.");
                ErrorStep(run, target.Name, sender.Name, className, message.ThreadId, StepCodes.PeerViolation,
                    $"'{sender.Name}' may not address '{target.Name}' (not among its peers)", handled: deliveredError);
                continue;
            }
            var (uuid, chain) = await Threads.ExtendAsync(message.ThreadId, target.Name, _stop.Token).ConfigureAwait(false);
            run?.TrackThread(uuid);
            outbox.Add(new PumpMessage
            {
                Payload = targets.Length == 1 ? payload : new XElement(payload), Schema = schema, From = sender.Name, To = target.Name,
                ThreadId = uuid, Chain = chain, Depth = message.Depth + 1, Run = run,
            });
            Agent(sender.Name, "sent", message.ThreadId);
            (delivered ??= []).Add(target.Name);
        }
        return delivered is null ? null : string.Join(",", delivered);
    }

    /// <summary>xml-pipeline §9.10: drop the last hop; back at the run's root the payload is an output for the injector.</summary>
    private async ValueTask<string?> RespondAsync(XElement payload, IPayloadSchema schema, PumpMessage message, ListenerRuntime sender, PumpState state, List<PumpMessage> outbox)
    {
        var run = message.Run;
        var pruned = await Threads.PruneForResponseAsync(message.ThreadId, _stop.Token).ConfigureAwait(false);
        if (pruned is null)
        {
            return null; // a chain of one segment: respond ends the thread and sends nothing
        }
        var (targetName, uuid, chain) = pruned.Value;
        run?.TrackThread(uuid);
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
                $"No listener for: {targetName.ToLowerInvariant()}.{schema.ClassName.ToLowerInvariant()} (respond from '{sender.Name}')");
            return null;
        }
        outbox.Add(new PumpMessage
        {
            Payload = payload, Schema = schema, From = sender.Name, To = target.Name, ThreadId = uuid, Chain = chain,
            Depth = message.Depth + 1, Run = run,
        });
        Agent(sender.Name, "sent", message.ThreadId);
        return target.Name;
    }

    /// <summary>xml-pipeline §9.12/§9.13: enforced only for agents with a non-empty effective peer list.</summary>
    private bool PeerAllowed(ListenerRuntime sender, string target, RunState? run)
    {
        if (!sender.Def.Agent)
        {
            return true;
        }
        var peers = EffectivePeers(sender, run);
        return peers.Count == 0 || peers.Contains(target);
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

    /// <summary>Sends a SystemError from <c>system</c> to <paramref name="listener"/> on the message's thread, if it can receive one.</summary>
    private bool SendSystemError(List<PumpMessage> outbox, ListenerRuntime listener, PumpMessage message, RunState? run, string code, string text)
    {
        if (!listener.AcceptsSystemError || (run is not null && run.IsFinished) || _stopping)
        {
            return false;
        }
        var payload = new XElement(BuiltInPayloads.SystemError,
            new XElement("Code", code), new XElement("Message", text), new XElement("RetryAllowed", "true"));
        outbox.Add(new PumpMessage
        {
            Payload = payload, Schema = _state.Schemas.Find(BuiltInPayloads.SystemError)!, From = "system", To = listener.Name,
            ThreadId = message.ThreadId, Chain = message.Chain, Depth = message.Depth + 1, Run = run,
        });
        return true;
    }

    /// <summary>Records a failed hop as a step of its own (errors are never only logged).</summary>
    private void ErrorStep(RunState? run, string listener, string from, string className, string thread, string code, string message, bool handled = false)
    {
        Log(StepCodes.IsNote(code) ? "info" : "warning", $"{code}: {message}");
        if (run is null || run.IsFinished)
        {
            return;
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
