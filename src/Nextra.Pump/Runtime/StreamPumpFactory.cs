using Nextra.Pump.Config;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Runtime;

/// <summary>Builds <see cref="StreamPump"/>s with the host's handler kinds.</summary>
public sealed class StreamPumpFactory(HandlerRegistry registry, PumpOptions? options = null) : IFlowPumpFactory
{
    public HandlerRegistry Registry { get; } = registry;

    /// <summary>Throws <see cref="PumpException"/> when a handler cannot be built (e.g. <c>handler_unavailable</c>).</summary>
    public IFlowPump Create(FlowDefinition flow, IFlowServicesProvider services, IPumpObserver? observer = null) =>
        new StreamPump(flow, Registry, services.For(flow), observer, options);
}
