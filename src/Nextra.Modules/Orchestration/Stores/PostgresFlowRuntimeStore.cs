using Nextra.Modules.Storage;

namespace Nextra.Modules.Orchestration.Stores;

/// <summary><see cref="IFlowRuntimeStore"/> on the <c>flow_runtime</c> table of Postgres (created by the triggers module's migrations).</summary>
internal sealed class PostgresFlowRuntimeStore(IPostgresConnectionFactory db) : IFlowRuntimeStore
{
    public async Task<bool> GetKeepAliveAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.ScalarAsync(null, "SELECT keep_alive FROM flow_runtime WHERE flow_id = @f AND tenant_id = @t", ct, ("f", flowId), ("t", tenantId))
            .ConfigureAwait(false) is true;
    }

    public async Task SetKeepAliveAsync(string tenantId, string flowId, bool keepAlive, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, """
            INSERT INTO flow_runtime(flow_id, tenant_id, keep_alive) VALUES(@f, @t, @k)
            ON CONFLICT (flow_id) DO UPDATE SET keep_alive = excluded.keep_alive, tenant_id = excluded.tenant_id
            """, ct, ("f", flowId), ("t", tenantId), ("k", keepAlive)).ConfigureAwait(false);
    }

    public async Task<string?> GetErrorAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.ScalarAsync(null, "SELECT error FROM flow_runtime WHERE flow_id = @f AND tenant_id = @t", ct, ("f", flowId), ("t", tenantId))
            .ConfigureAwait(false) as string;
    }

    public async Task SetErrorAsync(string tenantId, string flowId, string? error, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, """
            INSERT INTO flow_runtime(flow_id, tenant_id, error) VALUES(@f, @t, @e)
            ON CONFLICT (flow_id) DO UPDATE SET error = excluded.error, tenant_id = excluded.tenant_id
            """, ct, ("f", flowId), ("t", tenantId), ("e", error)).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, "DELETE FROM flow_runtime WHERE flow_id = @f AND tenant_id = @t", ct, ("f", flowId), ("t", tenantId)).ConfigureAwait(false);
    }
}
