namespace Nextra.Modules.Flows;

/// <summary>
/// Supplies <c>lastRun</c> for the flow list. The Flows module's default knows no runs (TryAdd); the Runs module
/// adds the history-backed one, which wins whatever order the modules are registered in.
/// </summary>
public interface ILastRunLookup
{
    Task<IReadOnlyDictionary<string, LastRunInfo>> GetLastRunsAsync(string tenantId, IReadOnlyCollection<string> flowIds, CancellationToken ct);
}

internal sealed class NoLastRuns : ILastRunLookup
{
    private static readonly IReadOnlyDictionary<string, LastRunInfo> Empty = new Dictionary<string, LastRunInfo>();

    public Task<IReadOnlyDictionary<string, LastRunInfo>> GetLastRunsAsync(string tenantId, IReadOnlyCollection<string> flowIds, CancellationToken ct) =>
        Task.FromResult(Empty);
}
