using Nextra.Modules.Storage;

namespace Nextra.Modules.Triggers.Stores;

/// <summary><see cref="IWebhookTokenStore"/> on the <c>webhook_tokens</c> table of <c>inbox.db</c>.</summary>
internal sealed class SqliteWebhookTokenStore(ISqliteConnectionFactory db) : IWebhookTokenStore
{
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Query("SELECT trigger_name, token FROM webhook_tokens WHERE flow_id=$f", r => (r.GetString(0), r.GetString(1)), ("$f", flowId))
            .ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);
    }

    public async Task<string> SetAsync(string tenantId, string flowId, string trigger, string token, bool replace, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        var conflict = replace
            ? "DO UPDATE SET token=excluded.token, created_at=excluded.created_at, tenant_id=excluded.tenant_id"
            : "DO UPDATE SET tenant_id=excluded.tenant_id";
        return (string)c.Scalar($"""
            INSERT INTO webhook_tokens(flow_id, trigger_name, token, created_at, tenant_id) VALUES($f, $t, $k, $at, $tn)
            ON CONFLICT(flow_id, trigger_name) {conflict}
            RETURNING token
            """, ("$f", flowId), ("$t", trigger), ("$k", token), ("$at", SqliteCommands.Iso(at)), ("$tn", tenantId))!;
    }

    public async Task DeleteAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        c.Exec("DELETE FROM webhook_tokens WHERE flow_id=$f AND tenant_id IN ($t, '')", ("$f", flowId), ("$t", tenantId));
    }
}
