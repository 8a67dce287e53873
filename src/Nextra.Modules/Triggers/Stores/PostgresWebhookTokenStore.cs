using Nextra.Modules.Storage;

namespace Nextra.Modules.Triggers.Stores;

/// <summary><see cref="IWebhookTokenStore"/> on the <c>webhook_tokens</c> table of Postgres (hosted mode).</summary>
internal sealed class PostgresWebhookTokenStore(IPostgresConnectionFactory db) : IWebhookTokenStore
{
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync(null, "SELECT trigger_name, token FROM webhook_tokens WHERE flow_id = @f", r => (r.GetString(0), r.GetString(1)), ct,
            ("f", flowId)).ConfigureAwait(false)).ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);
    }

    public async Task<string> SetAsync(string tenantId, string flowId, string trigger, string token, bool replace, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var conflict = replace
            ? "DO UPDATE SET token = excluded.token, created_at = excluded.created_at, tenant_id = excluded.tenant_id"
            : "DO UPDATE SET tenant_id = excluded.tenant_id";
        return (string)(await c.ScalarAsync(null, $"""
            INSERT INTO webhook_tokens(flow_id, trigger_name, token, created_at, tenant_id) VALUES(@f, @t, @k, @at, @tn)
            ON CONFLICT (flow_id, trigger_name) {conflict}
            RETURNING token
            """, ct, ("f", flowId), ("t", trigger), ("k", token), ("at", SqliteCommands.Iso(at)), ("tn", tenantId)).ConfigureAwait(false))!;
    }

    public async Task DeleteAsync(string tenantId, string flowId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, "DELETE FROM webhook_tokens WHERE flow_id = @f AND tenant_id = @t", ct, ("f", flowId), ("t", tenantId)).ConfigureAwait(false);
    }
}
