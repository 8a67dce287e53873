using Nextra.Pump.Config;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Messages;

/// <summary>The compiled payload classes of one flow (declared and built-in).</summary>
public sealed class PayloadSchemaSet : IPayloadSchemaLookup
{
    private readonly Dictionary<string, IPayloadSchema> _byName;

    public PayloadSchemaSet(FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _byName = new Dictionary<string, IPayloadSchema>(StringComparer.Ordinal);
        foreach (var b in BuiltInPayloads.All)
        {
            _byName[b.Name] = new PayloadSchema(b);
        }
        foreach (var (name, def) in flow.Payloads)
        {
            if (!def.BuiltIn)
            {
                _byName[name] = new PayloadSchema(def);
            }
        }
    }

    public IReadOnlyDictionary<string, IPayloadSchema> All => _byName;

    public IPayloadSchema? Find(string className) => _byName.GetValueOrDefault(className);
}
