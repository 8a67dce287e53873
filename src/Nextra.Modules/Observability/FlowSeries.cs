using System.Collections.Concurrent;
using Nextra.Modules.Common;

namespace Nextra.Modules.Observability;

/// <summary>
/// Bounds the cardinality of <c>flow_id</c> labels: the first <c>max</c> flow ids seen keep their own series for the
/// life of the process, every later one is reported as <see cref="Other"/>. Admission is first come, first kept, so a
/// series never changes its name while Prometheus scrapes it.
/// </summary>
[ModuleContract("the bounded set of flow_id labels of Metrics, which other modules' gauges label through")]
public sealed class FlowSeries(int max)
{
    public const string Other = "other";
    private readonly ConcurrentDictionary<string, string> _admitted = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Distinct flow ids holding their own series.</summary>
    public int Count => _admitted.Count;

    public string Tag(string? flowId)
    {
        if (string.IsNullOrEmpty(flowId)) return Other;
        if (_admitted.TryGetValue(flowId, out var tag)) return tag;
        lock (_gate)
        {
            if (_admitted.TryGetValue(flowId, out tag)) return tag;
            if (_admitted.Count >= max) return Other;
            _admitted[flowId] = flowId;
            return flowId;
        }
    }
}
