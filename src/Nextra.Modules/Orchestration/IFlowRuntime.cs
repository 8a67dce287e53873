using Nextra.Modules.Flows;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Pump.Config;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// The flow run-time as other modules see it (the flow supervisor's contract): whether it drains, the health of the
/// flows this instance holds, which flows accept runs here, starting a flow within its plan, and (through
/// <see cref="IRunDispatcher"/>) handing committed run requests to their flows.
/// </summary>
public interface IFlowRuntime : IRunDispatcher
{
    /// <summary>True once shutdown began: triggers answer 503 and nothing new is dispatched.</summary>
    bool Draining { get; }

    /// <summary>The run-time health of every flow this instance holds.</summary>
    IReadOnlyList<FlowHealth> Health();

    /// <summary>The tenant of a flow running here and accepting runs, or null.</summary>
    string? AcceptingTenant(string flowId);

    /// <summary>The compiled definition of a flow running here and accepting runs, or null.</summary>
    FlowDefinition? ActiveDefinition(string flowId);

    /// <summary>Starts the flow unless its plan's flow limit forbids it (then it stays stopped, with the reason).</summary>
    Task<FlowStatusView> StartWithinPlanAsync(FlowSnapshot flow, CancellationToken ct);
}

/// <summary>Ends a run request without running it: recorded failed with a code people can act on.</summary>
public interface IRunFailures
{
    Task FailAsync(RunRequest request, LeaseFence fence, string code, string message);
}

/// <summary><see cref="IRunFailures"/> through the run recorder.</summary>
internal sealed class RecorderRunFailures(RunRecorder recorder) : IRunFailures
{
    public Task FailAsync(RunRequest request, LeaseFence fence, string code, string message) => recorder.FailAsync(request, fence, code, message);
}
