using Nextra.Modules.Flows;
using Nextra.Modules.Runs.Stores;

namespace Nextra.Modules.Runs;

/// <summary><c>lastRun</c> of the flow list, from traces.db.</summary>
internal sealed class TraceLastRunLookup(TraceStore traces) : ILastRunLookup
{
    public Task<IReadOnlyDictionary<string, LastRunInfo>> GetLastRunsAsync(string tenantId, IReadOnlyCollection<string> flowIds, CancellationToken ct)
    {
        var result = new Dictionary<string, LastRunInfo>(StringComparer.Ordinal);
        foreach (var flowId in flowIds)
        {
            if (traces.Latest(flowId) is { } run) result[flowId] = new LastRunInfo(run.RunId, run.Status, run.StartedAt);
        }
        return Task.FromResult<IReadOnlyDictionary<string, LastRunInfo>>(result);
    }
}
