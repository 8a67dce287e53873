using Nextra.Pump.Handlers;

namespace Nextra.Modules.Memory;

/// <summary>A flow's project memory (capped by its tier), as the engine hands it to a running flow that opted in.</summary>
public interface IProjectMemories
{
    IProjectMemory For(string tenantId, string flowId);
}
