using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>Adapts <see cref="IFlowServicesFactory"/> to the pump's provider with the slot's tenant and flow id.</summary>
internal sealed class SlotServicesProvider(IFlowServicesFactory factory, FlowSlot slot, IRunEventSink events) : IFlowServicesProvider
{
    public IFlowServices For(FlowDefinition flow) => factory.Create(slot.TenantId, slot.FlowId, flow, events);
}
