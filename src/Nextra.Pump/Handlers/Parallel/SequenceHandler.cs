using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Runtime;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Handlers.Parallel;

/// <summary>
/// <c>handler: sequence</c> (xml-pipeline's sequence): sends its payload to the first of <c>steps</c>, each answer to
/// the next step, and the last answer on as its result. A step answers by responding (or by a forward to the
/// sequence). A step that fails or ends without answering stops the sequence with <c>sequence_failed</c>
/// (<c>on_error: fail</c>, the default) or is skipped, the next step getting the last good payload
/// (<c>on_error: continue</c>). Completed steps are kept in the shared backend: a run that runs again after a
/// restart resumes at the first step that had not answered.
/// </summary>
internal sealed class SequenceHandler(IReadOnlyList<string> steps, bool continueOnError) : IHandler, IDeclaresTargets
{
    public IEnumerable<string> Targets => steps;

    private sealed class State(XElement input)
    {
        public XElement LastGood { get; set; } = input;
    }

    public async ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var call = Collect.Call(context);
        if (call.Group is not { } group)
        {
            return await StartAsync(context, call, ct).ConfigureAwait(false);
        }
        if (group.Kind != GatherKind.Sequence)
        {
            throw new HandlerException(StepCodes.NotABranch, $"'{context.Listener.Name}' received an answer it did not ask for");
        }
        var state = (State)group.HandlerState!;
        var k = call.Slot;
        if (call.Signal == GatherSignalKind.Settled)
        {
            if (!continueOnError)
            {
                await call.Coordinator.CloseAsync(group, ct).ConfigureAwait(false);
                var why = context.Payload.Element("Message")?.Value ?? "it failed";
                throw new HandlerException(StepCodes.SequenceFailed, $"'{context.Listener.Name}' stopped at step {k + 1} of {steps.Count}: {why}");
            }
        }
        else
        {
            await Collect.AnswerAsync(context, call, group, ct).ConfigureAwait(false);
            state.LastGood = context.Payload;
        }
        return await NextAsync(context, call, group, k + 1, state.LastGood, ct).ConfigureAwait(false);
    }

    private async ValueTask<HandlerResult> StartAsync(HandlerContext context, GatherCall call, CancellationToken ct)
    {
        var (group, stored) = await call.OpenOwnAsync(GatherKind.Sequence, [.. steps], null, ct).ConfigureAwait(false);
        var state = new State(context.Payload);
        group.HandlerState = state;
        // After a restart: resume at the first step that had not answered, with the last good answer before it.
        var k = 0;
        while (k < steps.Count && stored.Filled.TryGetValue(k, out var bytes))
        {
            if (GatherSlot.FromBytes(bytes) is { Success: true, Payload: { } answer })
                state.LastGood = answer;
            k++;
        }
        return await NextAsync(context, call, group, k, state.LastGood, ct).ConfigureAwait(false);
    }

    private async ValueTask<HandlerResult> NextAsync(HandlerContext context, GatherCall call, FanoutGroup group, int k, XElement payload, CancellationToken ct)
    {
        if (k < steps.Count)
        {
            return new HandlerResult([new Emission(new XElement(payload), steps[k], false) { Slot = new BranchSlot(group, k) }]);
        }
        return await call.Coordinator.CloseAsync(group, ct).ConfigureAwait(false) is null
            ? HandlerResult.End
            : new HandlerResult([Collect.Result(new XElement(payload), context.Listener)]);
    }
}

public sealed class SequenceHandlerFactory : IHandlerFactory
{
    public string Kind => "sequence";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        Parse(context.Listener, context.Flow, problems);
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var (steps, continueOnError) = Parse(context.Listener, context.Flow, problems);
        return problems.Count > 0 || steps is null
            ? throw new HandlerException(problems.FirstOrDefault()?.Code ?? "invalid_value", problems.FirstOrDefault()?.Message ?? "bad sequence config")
            : new SequenceHandler(steps, continueOnError);
    }

    private static (IReadOnlyList<string>? Steps, bool ContinueOnError) Parse(ListenerDefinition listener, FlowDefinition flow, List<HandlerConfigProblem> problems)
    {
        var r = new ConfigReader(listener.Config, problems);
        r.RejectUnknown("sequence", "steps", "on_error");
        var steps = Collect.Names(r.Node("steps"));
        if (steps is null || steps.Count == 0)
        {
            r.Problem(r.Node("steps") is null ? "missing_field" : "invalid_type", "config.steps must list the listeners to run one after another", "steps");
            steps = null;
        }
        else
        {
            for (var i = 0; i < steps.Count; i++)
            {
                if (flow.Listeners.FirstOrDefault(l => l.Name == steps[i]) is not { } step)
                    r.Problem("unknown_target", $"config.steps[{i}] '{steps[i]}' is no listener", $"steps[{i}]");
                else if (i == 0 && step.PayloadClass != listener.PayloadClass)
                    r.Problem("payload_mismatch", $"the first step '{step.Name}' accepts {step.PayloadClass}, but the sequence passes on its own {listener.PayloadClass}", "steps[0]");
            }
        }
        var onError = r.String("on_error") ?? "fail";
        if (onError is not ("fail" or "continue"))
        {
            r.Problem("invalid_value", $"config.on_error must be fail or continue, not '{onError}'", "on_error");
        }
        Collect.CheckPeers(listener, problems);
        return (steps, onError == "continue");
    }
}
