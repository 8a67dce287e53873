using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;
using Nextra.Modules.Common;

namespace Nextra.Modules.Alerts.Stores;

/// <summary><see cref="IAlertStore"/> on the control-plane SQLite database (embedded mode).</summary>
internal sealed class SqliteAlertStore(ISqliteConnectionFactory db) : IAlertStore
{
    private const string AlertColumns = "id, rule, flow_id, state, since, resolved_at, detail";
    private const string DeliveryColumns = "id, alert_id, channel, state, status, attempts, next_at, last_error, delivered_at";

    public async Task<Alert?> FireAsync(string tenantId, string rule, string flowId, string detail, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        using var tx = c.BeginTransaction();
        var id = SortableId.NewGuid(at).ToString("N");
        var inserted = c.Exec(tx, """
            INSERT INTO alerts(id, tenant_id, rule, flow_id, state, since, detail) VALUES($id, $t, $r, $f, 'firing', $at, $d)
            ON CONFLICT(tenant_id, rule, flow_id) WHERE state = 'firing' DO NOTHING
            """, ("$id", id), ("$t", tenantId), ("$r", rule), ("$f", flowId), ("$at", SqliteCommands.Iso(at)), ("$d", detail));
        if (inserted == 0) return null;
        QueueDeliveries(c, tx, tenantId, id, AlertNames.Firing, at);
        tx.Commit();
        return new Alert(id, rule, FlowOrNull(flowId), AlertNames.Firing, at, null, detail);
    }

    public async Task<Alert?> ResolveAsync(string tenantId, string rule, string flowId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        using var tx = c.BeginTransaction();
        Alert? resolved = null;
        using (var command = c.Command($"""
            UPDATE alerts SET state = 'resolved', resolved_at = $at
            WHERE tenant_id = $t AND rule = $r AND flow_id = $f AND state = 'firing'
            RETURNING {AlertColumns}
            """, tx, ("$at", SqliteCommands.Iso(at)), ("$t", tenantId), ("$r", rule), ("$f", flowId)))
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read()) resolved = ReadAlert(reader);
        }
        if (resolved is null) return null;
        QueueDeliveries(c, tx, tenantId, resolved.Id, AlertNames.Resolved, at);
        tx.Commit();
        return resolved;
    }

    private static void QueueDeliveries(SqliteConnection c, SqliteTransaction tx, string tenantId, string alertId, string state, DateTimeOffset at)
    {
        var channels = new List<string>();
        using (var command = c.Command("SELECT name FROM alert_channels WHERE tenant_id = $t ORDER BY name", tx, ("$t", tenantId)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) channels.Add(reader.GetString(0));
        }
        foreach (var channel in channels)
        {
            c.Exec(tx, """
                INSERT INTO alert_deliveries(id, tenant_id, alert_id, channel, state, status, attempts, next_at)
                VALUES($id, $t, $a, $c, $s, 'pending', 0, $at)
                """, ("$id", SortableId.NewGuid(at).ToString("N")), ("$t", tenantId), ("$a", alertId), ("$c", channel), ("$s", state),
                ("$at", SqliteCommands.Iso(at)));
        }
    }

    public async Task<IReadOnlyList<Alert>> ListAsync(string tenantId, string? state, string? flowId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        return c.Query($"""
            SELECT {AlertColumns} FROM alerts
            WHERE tenant_id = $t AND ($s IS NULL OR state = $s) AND ($f IS NULL OR flow_id = $f)
            ORDER BY since DESC, id DESC LIMIT $n
            """, ReadAlert, ("$t", tenantId), ("$s", state), ("$f", flowId), ("$n", limit));
    }

    public async Task<Alert?> GetAsync(string tenantId, string alertId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        return c.Query($"SELECT {AlertColumns} FROM alerts WHERE tenant_id = $t AND id = $id", ReadAlert, ("$t", tenantId), ("$id", alertId))
            .FirstOrDefault();
    }

    public async Task<IReadOnlyList<AlertChannel>> ListChannelsAsync(string tenantId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        return c.Query("SELECT name, type, url, secret_name, to_address FROM alert_channels WHERE tenant_id = $t ORDER BY name", ReadChannel, ("$t", tenantId));
    }

    public async Task<AlertChannel?> GetChannelAsync(string tenantId, string name, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        return c.Query("SELECT name, type, url, secret_name, to_address FROM alert_channels WHERE tenant_id = $t AND name = $n", ReadChannel,
            ("$t", tenantId), ("$n", name)).FirstOrDefault();
    }

    public async Task PutChannelAsync(string tenantId, AlertChannel channel, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        c.Exec("""
            INSERT INTO alert_channels(tenant_id, name, type, url, secret_name, to_address, updated_at) VALUES($t, $n, $ty, $u, $s, $to, $at)
            ON CONFLICT(tenant_id, name) DO UPDATE SET type = excluded.type, url = excluded.url, secret_name = excluded.secret_name,
                to_address = excluded.to_address, updated_at = excluded.updated_at
            """, ("$t", tenantId), ("$n", channel.Name), ("$ty", channel.Type), ("$u", channel.Url), ("$s", channel.SecretName), ("$to", channel.To),
            ("$at", SqliteCommands.Iso(at)));
    }

    public async Task<bool> DeleteChannelAsync(string tenantId, string name, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        return c.Exec("DELETE FROM alert_channels WHERE tenant_id = $t AND name = $n", ("$t", tenantId), ("$n", name)) > 0;
    }

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        using var tx = c.BeginTransaction();
        var due = new List<DueDelivery>();
        using (var command = c.Command("""
            UPDATE alert_deliveries SET attempts = attempts + 1, next_at = $lease
            WHERE id IN (SELECT id FROM alert_deliveries WHERE status = 'pending' AND next_at <= $now ORDER BY next_at LIMIT $n)
            RETURNING id, tenant_id, alert_id, channel, state, attempts
            """, tx, ("$lease", SqliteCommands.Iso(leaseUntil)), ("$now", SqliteCommands.Iso(now)), ("$n", limit)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                due.Add(new DueDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)));
        }
        tx.Commit();
        return due;
    }

    public async Task FinishDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset at, string? error, DateTimeOffset? retryAt, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        if (error is null)
            c.Exec("UPDATE alert_deliveries SET status = 'delivered', delivered_at = $at, last_error = NULL WHERE tenant_id = $t AND id = $id",
                ("$at", SqliteCommands.Iso(at)), ("$t", tenantId), ("$id", deliveryId));
        else
            c.Exec("UPDATE alert_deliveries SET status = $s, next_at = $next, last_error = $e WHERE tenant_id = $t AND id = $id",
                ("$s", retryAt is null ? "failed" : "pending"), ("$next", SqliteCommands.Iso(retryAt ?? at)), ("$e", error), ("$t", tenantId), ("$id", deliveryId));
    }

    public async Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(string tenantId, string? alertId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct: ct).ConfigureAwait(false);
        return c.Query($"""
            SELECT {DeliveryColumns} FROM alert_deliveries WHERE tenant_id = $t AND ($a IS NULL OR alert_id = $a) ORDER BY id DESC LIMIT $n
            """, r => new AlertDelivery(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                SqliteCommands.ParseIso(r.GetString(6)), r.StringOrNull(7), r.StringOrNull(8) is { } d ? SqliteCommands.ParseIso(d) : null),
            ("$t", tenantId), ("$a", alertId), ("$n", limit));
    }

    internal static string? FlowOrNull(string flowId) => flowId.Length == 0 ? null : flowId;

    private static Alert ReadAlert(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), FlowOrNull(r.GetString(2)), r.GetString(3),
        SqliteCommands.ParseIso(r.GetString(4)), r.StringOrNull(5) is { } resolved ? SqliteCommands.ParseIso(resolved) : null, r.GetString(6));

    private static AlertChannel ReadChannel(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.StringOrNull(2), r.StringOrNull(3), r.StringOrNull(4));
}
