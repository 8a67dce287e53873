namespace Nextra.Modules.Runs;

/// <summary>Finds a run wherever it is: finished (traces), executing or pending (the live sources).</summary>
public interface IRunQueries
{
    /// <summary>The tenant's run, or null. Never misses a run that finishes while it looks.</summary>
    Task<RunView?> FindAsync(string tenantId, string runId, CancellationToken ct);
}

/// <inheritdoc cref="IRunQueries"/>
public sealed class RunQueries(ITraceStore traces, IEnumerable<ILiveRunSource> sources) : IRunQueries
{
    private readonly ILiveRunSource[] _sources = [.. sources.OrderBy(s => s.Order)];

    /// <summary>The tenant's run, or null. Never misses a run that finishes while it looks.</summary>
    public async Task<RunView?> FindAsync(string tenantId, string runId, CancellationToken ct)
    {
        if (await traces.GetAsync(tenantId, runId, ct).ConfigureAwait(false) is { } done) return done;
        foreach (var source in _sources)
        {
            if (await source.FindAsync(tenantId, runId, ct).ConfigureAwait(false) is { } live) return live;
        }
        // It may have finished between the first look and now: its trace is written before its inbox row is
        // removed, so a second look at the traces cannot miss it.
        return await traces.GetAsync(tenantId, runId, ct).ConfigureAwait(false);
    }
}
