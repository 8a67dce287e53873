using Nextra.Pump.Config;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Told when a flow's definition becomes active (start, reload, restore at boot) or inactive
/// (stop, delete), so triggers can mint webhook tokens and arm schedules. Must be fast.
/// </summary>
public interface IFlowRuntimeListener
{
    void Activated(string tenantId, string flowId, FlowDefinition flow);
    void Deactivated(string flowId);
}
