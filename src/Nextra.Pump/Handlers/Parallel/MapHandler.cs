using System.Xml.Linq;
using Nextra.Pump.Messages;
using Nextra.Pump.Runtime;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Handlers.Parallel;

/// <summary>
/// <c>handler: map</c>: sends each item of a list field to <c>to</c> (at most <c>concurrency</c> in flight, each on
/// a thread of its own), collects the answers in item order and emits one result when all are in (or at
/// <c>timeout_ms</c>). An item that fails, ends without answering or does not fit the item class is an item
/// with <c>success: false</c>. The items' answers come back by respond (the default of code blocks and agents
/// with no peers) or by a forward to the map.
/// </summary>
internal sealed class MapHandler(MapSpec spec) : IHandler, IDeclaresTargets
{
    public IEnumerable<string> Targets => [spec.To];

    public async ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var call = Collect.Call(context);
        if (call.Group is not { } group)
        {
            return await StartAsync(context, call, ct).ConfigureAwait(false);
        }
        if (group.Kind != GatherKind.Map)
        {
            throw new HandlerException(StepCodes.NotABranch, $"'{context.Listener.Name}' received an answer it did not ask for");
        }
        switch (call.Signal)
        {
            case GatherSignalKind.TimedOut:
                await Collect.TimeOutAsync(call, group, "the item", ct).ConfigureAwait(false);
                return await FinishAsync(context, call, group, ct).ConfigureAwait(false);
            case GatherSignalKind.None:
                await Collect.AnswerAsync(context, call, group, ct).ConfigureAwait(false);
                break;
        }
        return await ContinueAsync(context, call, group, 1, ct).ConfigureAwait(false);
    }

    private async ValueTask<HandlerResult> StartAsync(HandlerContext context, GatherCall call, CancellationToken ct)
    {
        var items = context.Payload.Element(spec.ItemsField)?.Elements(FieldSpec.ItemName).ToList() ?? [];
        var max = Math.Min(spec.MaxItems, call.Limits.MaxItems);
        if (items.Count > max)
        {
            throw new HandlerException(StepCodes.TooManyItems,
                $"'{context.Listener.Name}' got {items.Count} items in {spec.ItemsField}; at most {max} may be mapped (max_items {spec.MaxItems}, tier limit {call.Limits.MaxItems})");
        }
        var (group, _) = await call.OpenOwnAsync(GatherKind.Map, [.. items.Select(_ => spec.To)], spec.Timeout, ct).ConfigureAwait(false);
        var schema = context.Schemas.Find(spec.ItemClass)
            ?? throw new HandlerException("unknown_payload_class", $"item class '{spec.ItemClass}' is not declared");
        var payloads = new XElement?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (group.IsFilled(i))
            {
                continue; // answered before a restart
            }
            var payload = spec.ScalarField is { } field
                ? new XElement(spec.ItemClass, new XElement(field, items[i].Value))
                : new XElement(spec.ItemClass, items[i].Elements());
            if (schema.Validate(payload) is { } why)
            {
                await call.Coordinator.FillAsync(group, i, GatherSlot.Failed(StepCodes.PayloadInvalid, $"item {i} is not a valid {spec.ItemClass}: {why}", spec.To), ct).ConfigureAwait(false);
                continue;
            }
            payloads[i] = payload;
        }
        group.HandlerState = payloads;
        var concurrency = Math.Max(1, Math.Min(spec.Concurrency, call.Limits.MaxBranches));
        return await ContinueAsync(context, call, group, concurrency, ct).ConfigureAwait(false);
    }

    /// <summary>Sends up to <paramref name="count"/> more items, or the result once every item is in.</summary>
    private async ValueTask<HandlerResult> ContinueAsync(HandlerContext context, GatherCall call, FanoutGroup group, int count, CancellationToken ct)
    {
        if (group.AllFilled)
        {
            return await FinishAsync(context, call, group, ct).ConfigureAwait(false);
        }
        var payloads = (XElement?[])group.HandlerState!;
        var emissions = new List<Emission>(count);
        while (emissions.Count < count && await call.Coordinator.ClaimNextAsync(group, ct).ConfigureAwait(false) is var i and >= 0)
        {
            emissions.Add(new Emission(payloads[i]!, spec.To, false) { Slot = new BranchSlot(group, i) });
        }
        return emissions.Count == 0 ? HandlerResult.End : new HandlerResult(emissions);
    }

    private async ValueTask<HandlerResult> FinishAsync(HandlerContext context, GatherCall call, FanoutGroup group, CancellationToken ct)
    {
        var result = await Collect.ResultAsync(context, call, group, spec.Shape, ct).ConfigureAwait(false);
        return result is null ? HandlerResult.End : new HandlerResult([Collect.Result(result, context.Listener)]);
    }
}

public sealed class MapHandlerFactory : IHandlerFactory
{
    public string Kind => "map";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        MapSpec.Parse(context.Listener, context.Flow, problems);
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var spec = MapSpec.Parse(context.Listener, context.Flow, problems);
        return problems.Count > 0 || spec is null
            ? throw new HandlerException(problems.FirstOrDefault()?.Code ?? "invalid_value", problems.FirstOrDefault()?.Message ?? "bad map config")
            : new MapHandler(spec);
    }
}
