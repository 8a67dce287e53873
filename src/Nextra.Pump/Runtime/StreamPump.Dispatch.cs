using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;
using Nextra.Pump.Runs;

using Nextra.Pump.Messages;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    private async ValueTask ProcessAsync(PumpMessage message, WorkerSlot slot)
    {
        var run = message.Run;
        try
        {
            if (run is not null && run.IsFinished)
            {
                // The run was cancelled or timed out: its queued hops are dropped with it, and a thread
                // a late handler created after the run's cleanup goes too.
                await Threads.DeleteAsync(message.ThreadId, CancellationToken.None).ConfigureAwait(false);
                await Buffer.DeleteAsync(message.ThreadId, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            var state = _state;
            if (!state.ByName.TryGetValue(message.To, out var listener))
            {
                ErrorStep(run, message.To, message.From, message.Schema.ClassName, message.ThreadId,
                    StepCodes.ListenerRemoved, $"listener '{message.To}' was removed by a reload before the message was delivered", message.Branch);
                return;
            }
            if (message.Depth > state.Flow.MaxMessageDepth)
            {
                ErrorStep(run, message.To, message.From, message.Schema.ClassName, message.ThreadId,
                    StepCodes.DepthExceeded, $"the message is {message.Depth} hops deep, beyond max_message_depth {state.Flow.MaxMessageDepth}; dropped (a loop without an exit?)", message.Branch);
                return;
            }
            await DispatchAsync(message, listener, state, slot).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The pump keeps serving whatever happens to one hop.
            ErrorStep(run, message.To, message.From, message.Schema.ClassName, message.ThreadId, "internal_error", ex.Message, message.Branch);
        }
        finally
        {
            if (message.Branch is not null && run is not null && !run.IsFinished)
            {
                // Before the run's pending count drops: a branch that ended here may queue its collector's signal.
                await ReleaseBranchAsync(message).ConfigureAwait(false);
            }
            if (run is not null && run.ReleasePending())
            {
                CompleteRun(run);
            }
        }
    }

    private async ValueTask ReleaseBranchAsync(PumpMessage message)
    {
        try
        {
            await _parallel.ReleaseAsync(message.Branch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ErrorStep(message.Run, message.To, message.From, message.Schema.ClassName, message.ThreadId, "internal_error", $"settling a fan-out branch failed: {ex.Message}");
        }
    }

    /// <summary>For a join, map or sequence: which fan-out this message answers or signals, and the stack its result carries on.</summary>
    private GatherCall? GatherCallFor(PumpMessage message, ListenerRuntime listener, out BranchTag? inherit)
    {
        inherit = message.Branch;
        if (!listener.IsCollector)
        {
            return null;
        }
        var group = message.Signal?.Group ?? message.Arrival?.Group;
        if (group is not null)
        {
            inherit = group.Parent;
        }
        return new GatherCall
        {
            Coordinator = _parallel, Run = message.Run, Group = group, Slot = message.Signal?.Slot ?? message.Arrival?.Slot ?? -1,
            Signal = message.Signal?.Kind ?? GatherSignalKind.None, Stack = message.Branch, Listener = listener.Name,
            ThreadId = message.ThreadId, Chain = message.Chain, Depth = message.Depth, Limits = _services.Parallel ?? ParallelLimits.Unlimited,
        };
    }

    private async ValueTask DispatchAsync(PumpMessage message, ListenerRuntime listener, PumpState state, WorkerSlot slot)
    {
        var run = message.Run;
        var gate = listener.AgentGate;
        if (gate is not null)
        {
            await gate.WaitAsync(_stop.Token).ConfigureAwait(false);
        }
        try
        {
            Agent(listener.Name, "processing", message.ThreadId);
            var now = _time.GetUtcNow();
            var isSelfCall = message.From == listener.Name;
            var stored = new StoredSlot(message.From, listener.Name, message.Schema.ClassName, message.Payload, now,
                listener.Def.Agent ? listener.Name : null, isSelfCall);
            var index = await Buffer.AppendAsync(message.ThreadId, stored, _stop.Token).ConfigureAwait(false);
            if (index < 0)
            {
                ErrorStep(run, listener.Name, message.From, message.Schema.ClassName, message.ThreadId, StepCodes.BufferFull,
                    $"the thread's context buffer is full ({Buffer.MaxSlotsPerThread} slots); this payload is not in its history");
            }
            var history = await Buffer.HistoryAsync(message.ThreadId, _stop.Token).ConfigureAwait(false);
            var (peers, usage) = PeersFor(listener, run, state);
            var gather = GatherCallFor(message, listener, out var inherit);
            Agent(listener.Name, "received", message.ThreadId);

            var step = new RunStep
            {
                Index = run?.NextStepIndex() ?? 0,
                Listener = listener.Name,
                From = message.From,
                Class = message.Schema.ClassName,
                Thread = message.ThreadId,
                StartedAt = now,
                PayloadIn = _options.RecordPayloads && run is not null ? FastXml.Serialize(message.Payload) : null,
            };
            if (run?.TakeFirstStepStarting() is { } firstStep)
            {
                try
                {
                    await firstStep(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    Log("warning", $"run {run.RunId}: the start of its first step was not recorded: {ex.Message}");
                }
            }
            var held = new StepMemory();
            if (run is not null)
            {
                StepStarted(run, step, held);
            }
            var context = new HandlerContext
            {
                Payload = message.Payload,
                Schema = message.Schema,
                Metadata = new HandlerMetadata(message.ThreadId, message.From, listener.Name, isSelfCall, usage),
                Listener = listener.Def,
                Flow = state.Flow,
                Peers = peers,
                History = history,
                Services = _services,
                RunId = run?.RunId ?? "",
                StepIndex = step.Index,
                Schemas = state.Schemas,
                Gather = gather,
                Memory = held,
            };

            var started = _time.GetTimestamp();
            HandlerResult? result = null;
            StepError? error = null;
            StepUsage? usageOut = null;
            try
            {
                result = await InvokeAsync(listener, context, run, slot).ConfigureAwait(false);
                if (result is null)
                {
                    error = new StepError(StepCodes.InvalidResult, $"handler of '{listener.Name}' returned no result");
                }
                usageOut = result?.Usage;
            }
            catch (HandlerCancelled hc)
            {
                error = new StepError(hc.Code, hc.Message);
            }
            catch (HandlerException hex)
            {
                error = new StepError(hex.Code, hex.Message);
                usageOut = hex.Usage;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                error = new StepError(StepCodes.HandlerCrashed, $"handler of '{listener.Name}' crashed: {ex.GetType().Name}: {ex.Message}");
            }
            step.DurationMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            ApplyUsage(step, usageOut);

            var handled = false;
            if (error is null && result is not null)
            {
                if (listener.IsOutput && run is not null && !run.IsFinished)
                {
                    run.AddOutput(new RunOutput
                    {
                        Listener = listener.Name, Class = message.Schema.ClassName,
                        Payload = message.Schema.ToJson(message.Payload), Xml = FastXml.Serialize(message.Payload),
                    });
                }
                // Route with the definition current now: a reload may have happened while the handler ran.
                await EmitAllAsync(result, message, listener, _state, step, slot.Outbox, inherit).ConfigureAwait(false);
                if (result.Emissions.Count == 0)
                {
                    EndOfChain(message.ThreadId);
                }
                Agent(listener.Name, "idle", message.ThreadId);
            }
            else
            {
                step.Error = error;
                Agent(listener.Name, "error", message.ThreadId);
                if (error!.Code == StepCodes.Timeout)
                {
                    // xml-pipeline §9.15: a SystemError(timeout) goes back to the listener on the same thread.
                    handled = SendSystemError(slot.Outbox, listener, message, run, StepCodes.Timeout,
                        $"your handler did not finish within {listener.Timeout.TotalSeconds:0.###} s", message.Branch);
                }
                if (inherit is not null && !StepCodes.IsNote(error.Code))
                {
                    // Inside a fan-out branch the collector reports the failure (success: false); it does not fail the run.
                    ParallelCoordinator.RecordError(message.Branch, error.Code, error.Message);
                    handled = true;
                }
            }
            if (run is not null)
            {
                run.AddStep(step, handled);
                StepCompleted(run, step);
            }
        }
        finally
        {
            gate?.Release();
            foreach (var next in slot.Outbox)
            {
                Enqueue(next);
            }
            slot.Outbox.Clear();
        }
    }

    private static void ApplyUsage(RunStep step, StepUsage? usage)
    {
        if (usage is null)
        {
            return;
        }
        step.Fuel = usage.Fuel;
        step.PromptTokens = usage.PromptTokens;
        step.CompletionTokens = usage.CompletionTokens;
        step.Model = usage.Model;
        step.Backend = usage.Backend;
        step.CostUsd = usage.CostUsd;
    }

    /// <summary>xml-pipeline §9.8: a chain that ends drops its token budget; registry and buffer entries remain.</summary>
    private void EndOfChain(string threadId)
    {
        _services.Budget.Cleanup(threadId);
    }
}
