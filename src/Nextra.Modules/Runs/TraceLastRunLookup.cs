using Nextra.Modules.Flows;

namespace Nextra.Modules.Runs;

/// <summary><c>lastRun</c> of the flow list, from the run history.</summary>
internal sealed class TraceLastRunLookup(ITraceStore traces) : ILastRunLookup
{
    public async Task<IReadOnlyDictionary<string, LastRunInfo>> GetLastRunsAsync(string tenantId, IReadOnlyCollection<string> flowIds, CancellationToken ct)
    {
        var latest = await traces.LatestAsync(tenantId, flowIds, ct).ConfigureAwait(false);
        return latest.ToDictionary(kv => kv.Key, kv => new LastRunInfo(kv.Value.RunId, kv.Value.Status, kv.Value.StartedAt), StringComparer.Ordinal);
    }
}
