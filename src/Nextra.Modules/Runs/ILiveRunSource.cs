namespace Nextra.Modules.Runs;

/// <summary>
/// Runs that have no final trace yet: those executing now (orchestration) and those acknowledged but not started
/// (the trigger inbox). <see cref="RunQueries"/> asks them in <see cref="Order"/> between two looks at the traces.
/// </summary>
public interface ILiveRunSource
{
    /// <summary>Lower asks first: executing runs (0) before pending ones (10).</summary>
    int Order { get; }

    Task<RunView?> FindAsync(string tenantId, string runId, CancellationToken ct);
}
