using Nextra.Pump.Config;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Orchestration;

/// <summary>The pump's loader with the host's handler kinds.</summary>
internal sealed class PumpFlowCompiler(HandlerRegistry registry) : IFlowCompiler
{
    public FlowCompilation Compile(string organismYaml)
    {
        var result = FlowLoader.Load(organismYaml, registry);
        return new FlowCompilation(result.Ok ? result.Flow : null, result.Problems);
    }
}
