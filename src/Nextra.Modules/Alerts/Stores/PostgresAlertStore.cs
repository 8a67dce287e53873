using Npgsql;
using Nextra.Modules.Storage;
using Nextra.Modules.Common;

namespace Nextra.Modules.Alerts.Stores;

/// <summary><see cref="IAlertStore"/> on Postgres (hosted mode): claims skip rows another instance holds.</summary>
internal sealed class PostgresAlertStore(IPostgresConnectionFactory db) : IAlertStore
{
    private const string AlertColumns = "id, rule, flow_id, state, since, resolved_at, detail";
    private const string DeliveryColumns = "id, alert_id, channel, state, status, attempts, next_at, last_error, delivered_at";

    public async Task<Alert?> FireAsync(string tenantId, string rule, string flowId, string detail, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var id = SortableId.NewGuid(at).ToString("N");
        var inserted = await c.ExecAsync(tx, """
            INSERT INTO alerts(id, tenant_id, rule, flow_id, state, since, detail) VALUES(@id, @t, @r, @f, 'firing', @at, @d)
            ON CONFLICT (tenant_id, rule, flow_id) WHERE state = 'firing' DO NOTHING
            """, ct, ("id", id), ("t", tenantId), ("r", rule), ("f", flowId), ("at", at.ToUniversalTime()), ("d", detail)).ConfigureAwait(false);
        if (inserted == 0) return null;
        await QueueDeliveriesAsync(c, tx, tenantId, id, AlertNames.Firing, at, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new Alert(id, rule, SqliteAlertStore.FlowOrNull(flowId), AlertNames.Firing, at, null, detail);
    }

    public async Task<Alert?> ResolveAsync(string tenantId, string rule, string flowId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var resolved = (await c.QueryAsync(tx, $"""
            UPDATE alerts SET state = 'resolved', resolved_at = @at
            WHERE tenant_id = @t AND rule = @r AND flow_id = @f AND state = 'firing'
            RETURNING {AlertColumns}
            """, ReadAlert, ct, ("at", at.ToUniversalTime()), ("t", tenantId), ("r", rule), ("f", flowId)).ConfigureAwait(false)).FirstOrDefault();
        if (resolved is null) return null;
        await QueueDeliveriesAsync(c, tx, tenantId, resolved.Id, AlertNames.Resolved, at, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return resolved;
    }

    private static async Task QueueDeliveriesAsync(NpgsqlConnection c, NpgsqlTransaction tx, string tenantId, string alertId, string state, DateTimeOffset at,
        CancellationToken ct)
    {
        var channels = await c.QueryAsync(tx, "SELECT name FROM alert_channels WHERE tenant_id = @t ORDER BY name", r => r.GetString(0), ct, ("t", tenantId))
            .ConfigureAwait(false);
        foreach (var channel in channels)
        {
            await c.ExecAsync(tx, """
                INSERT INTO alert_deliveries(id, tenant_id, alert_id, channel, state, status, attempts, next_at)
                VALUES(@id, @t, @a, @c, @s, 'pending', 0, @at)
                """, ct, ("id", SortableId.NewGuid(at).ToString("N")), ("t", tenantId), ("a", alertId), ("c", channel), ("s", state),
                ("at", at.ToUniversalTime())).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<Alert>> ListAsync(string tenantId, string? state, string? flowId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.QueryAsync(null, $"""
            SELECT {AlertColumns} FROM alerts
            WHERE tenant_id = @t AND (@s::text IS NULL OR state = @s) AND (@f::text IS NULL OR flow_id = @f)
            ORDER BY since DESC, id DESC LIMIT @n
            """, ReadAlert, ct, ("t", tenantId), ("s", state), ("f", flowId), ("n", limit)).ConfigureAwait(false);
    }

    public async Task<Alert?> GetAsync(string tenantId, string alertId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync(null, $"SELECT {AlertColumns} FROM alerts WHERE tenant_id = @t AND id = @id", ReadAlert, ct, ("t", tenantId), ("id", alertId))
            .ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<AlertChannel>> ListChannelsAsync(string tenantId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.QueryAsync(null, "SELECT name, type, url, secret_name, to_address FROM alert_channels WHERE tenant_id = @t ORDER BY name", ReadChannel,
            ct, ("t", tenantId)).ConfigureAwait(false);
    }

    public async Task<AlertChannel?> GetChannelAsync(string tenantId, string name, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync(null, "SELECT name, type, url, secret_name, to_address FROM alert_channels WHERE tenant_id = @t AND name = @n", ReadChannel,
            ct, ("t", tenantId), ("n", name)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task PutChannelAsync(string tenantId, AlertChannel channel, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, """
            INSERT INTO alert_channels(tenant_id, name, type, url, secret_name, to_address, updated_at) VALUES(@t, @n, @ty, @u, @s, @to, @at)
            ON CONFLICT (tenant_id, name) DO UPDATE SET type = excluded.type, url = excluded.url, secret_name = excluded.secret_name,
                to_address = excluded.to_address, updated_at = excluded.updated_at
            """, ct, ("t", tenantId), ("n", channel.Name), ("ty", channel.Type), ("u", channel.Url), ("s", channel.SecretName), ("to", channel.To),
            ("at", at.ToUniversalTime())).ConfigureAwait(false);
    }

    public async Task<bool> DeleteChannelAsync(string tenantId, string name, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.ExecAsync(null, "DELETE FROM alert_channels WHERE tenant_id = @t AND name = @n", ct, ("t", tenantId), ("n", name)).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.QueryAsync(null, """
            UPDATE alert_deliveries SET attempts = attempts + 1, next_at = @lease
            WHERE id IN (SELECT id FROM alert_deliveries WHERE status = 'pending' AND next_at <= @now ORDER BY next_at LIMIT @n FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, alert_id, channel, state, attempts
            """, r => new DueDelivery(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5)), ct,
            ("lease", leaseUntil.ToUniversalTime()), ("now", now.ToUniversalTime()), ("n", limit)).ConfigureAwait(false);
    }

    public async Task FinishDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset at, string? error, DateTimeOffset? retryAt, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        if (error is null)
            await c.ExecAsync(null, "UPDATE alert_deliveries SET status = 'delivered', delivered_at = @at, last_error = NULL WHERE tenant_id = @t AND id = @id", ct,
                ("at", at.ToUniversalTime()), ("t", tenantId), ("id", deliveryId)).ConfigureAwait(false);
        else
            await c.ExecAsync(null, "UPDATE alert_deliveries SET status = @s, next_at = @next, last_error = @e WHERE tenant_id = @t AND id = @id", ct,
                ("s", retryAt is null ? "failed" : "pending"), ("next", (retryAt ?? at).ToUniversalTime()), ("e", error), ("t", tenantId), ("id", deliveryId))
                .ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(string tenantId, string? alertId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.QueryAsync(null, $"""
            SELECT {DeliveryColumns} FROM alert_deliveries WHERE tenant_id = @t AND (@a::text IS NULL OR alert_id = @a) ORDER BY id DESC LIMIT @n
            """, r => new AlertDelivery(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                r.GetFieldValue<DateTimeOffset>(6), r.StringOrNull(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8)),
            ct, ("t", tenantId), ("a", alertId), ("n", limit)).ConfigureAwait(false);
    }

    private static Alert ReadAlert(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), SqliteAlertStore.FlowOrNull(r.GetString(2)), r.GetString(3),
        r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.GetString(6));

    private static AlertChannel ReadChannel(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.StringOrNull(2), r.StringOrNull(3), r.StringOrNull(4));
}
