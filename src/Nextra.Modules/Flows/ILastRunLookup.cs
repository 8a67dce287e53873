namespace Nextra.Modules.Flows;

/// <summary>
/// Supplies <c>lastRun</c> for the flow list. The Runs module replaces the default (which knows no runs)
/// with <c>services.Replace(ServiceDescriptor.Singleton&lt;ILastRunLookup, X&gt;())</c>.
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
