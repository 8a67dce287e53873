using Nextra.Pump.Runtime;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Handlers.Parallel;

/// <summary>
/// <c>handler: join</c>: collects the answers of the branches of one fan-out and emits one result when every
/// branch has answered, failed or ended, or when <c>timeout_ms</c> (counted from the fan-out) passes. Each
/// answer fills its branch's slot in the shared backend; the call that completes the gather closes it and emits,
/// so the result goes out exactly once. Answers after that are <c>late_answer</c> notes.
/// </summary>
internal sealed class JoinHandler(JoinSpec spec) : IHandler
{
    public JoinSpec Spec { get; } = spec;

    public async ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var call = Collect.Call(context);
        if (call.Group is not { } group || group.Kind != GatherKind.Join)
        {
            throw new HandlerException(StepCodes.NotABranch,
                $"'{context.Listener.Name}' received <{context.Schema.ClassName}> from '{context.Metadata.From}', which is not a branch of a fan-out it joins " +
                "(a join collects the branches of a fan-out: config.fanout, several payloads sent at once, or a broadcast)");
        }
        switch (call.Signal)
        {
            case GatherSignalKind.TimedOut:
                await Collect.TimeOutAsync(call, group, "the branch", ct).ConfigureAwait(false);
                return await EmitAsync(context, call, group, ct).ConfigureAwait(false);
            case GatherSignalKind.Settled:
                return group.AllFilled ? await EmitAsync(context, call, group, ct).ConfigureAwait(false) : HandlerResult.End;
            default:
                var filled = await Collect.AnswerAsync(context, call, group, ct).ConfigureAwait(false);
                return filled.Complete ? await EmitAsync(context, call, group, ct).ConfigureAwait(false) : HandlerResult.End;
        }
    }

    private async ValueTask<HandlerResult> EmitAsync(HandlerContext context, GatherCall call, FanoutGroup group, CancellationToken ct)
    {
        var result = await Collect.ResultAsync(context, call, group, Spec.Shape, ct).ConfigureAwait(false);
        return result is null ? HandlerResult.End : new HandlerResult([Collect.Result(result, context.Listener)]);
    }
}

public sealed class JoinHandlerFactory : IHandlerFactory
{
    public string Kind => "join";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        JoinSpec.Parse(context.Listener, context.Flow, problems);
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var spec = JoinSpec.Parse(context.Listener, context.Flow, problems);
        return problems.Count > 0 || spec is null
            ? throw new HandlerException(problems.FirstOrDefault()?.Code ?? "invalid_value", problems.FirstOrDefault()?.Message ?? "bad join config")
            : new JoinHandler(spec);
    }
}
