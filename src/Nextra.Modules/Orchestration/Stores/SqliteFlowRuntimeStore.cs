using Nextra.Modules.Storage;

namespace Nextra.Modules.Orchestration.Stores;

/// <summary><see cref="IFlowRuntimeStore"/> on the <c>flow_runtime</c> table of <c>inbox.db</c>.</summary>
internal sealed class SqliteFlowRuntimeStore(ISqliteConnectionFactory db) : IFlowRuntimeStore
{
    public async Task<bool> GetKeepAliveAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Scalar("SELECT keep_alive FROM flow_runtime WHERE flow_id=$f AND tenant_id IN ($t, '')", ("$f", flowId), ("$t", tenantId)) is long v && v == 1;
    }

    public async Task SetKeepAliveAsync(string tenantId, string flowId, bool keepAlive, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        c.Exec("""
            INSERT INTO flow_runtime(flow_id, tenant_id, keep_alive) VALUES($f, $t, $k)
            ON CONFLICT(flow_id) DO UPDATE SET keep_alive=excluded.keep_alive, tenant_id=excluded.tenant_id
            """, ("$f", flowId), ("$t", tenantId), ("$k", keepAlive ? 1 : 0));
    }

    public async Task<string?> GetErrorAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Scalar("SELECT error FROM flow_runtime WHERE flow_id=$f AND tenant_id IN ($t, '')", ("$f", flowId), ("$t", tenantId)) as string;
    }

    public async Task SetErrorAsync(string tenantId, string flowId, string? error, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        c.Exec("""
            INSERT INTO flow_runtime(flow_id, tenant_id, error) VALUES($f, $t, $e)
            ON CONFLICT(flow_id) DO UPDATE SET error=excluded.error, tenant_id=excluded.tenant_id
            """, ("$f", flowId), ("$t", tenantId), ("$e", error));
    }

    public async Task DeleteAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        c.Exec("DELETE FROM flow_runtime WHERE flow_id=$f AND tenant_id IN ($t, '')", ("$f", flowId), ("$t", tenantId));
    }
}
