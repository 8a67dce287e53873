using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Npgsql;

namespace Nextra.Modules.Triggers.Stores;

/// <summary>
/// <see cref="IHeldRunStore"/> on Postgres (hosted). Holding takes the tenant's advisory lock, so the 1,000 cap holds
/// across instances; a release deletes the rows it takes with <c>FOR UPDATE SKIP LOCKED</c> and inserts them into the
/// inbox in the same transaction, so two instances releasing at once never move one run twice.
/// </summary>
internal sealed class PostgresHeldRunStore(IPostgresConnectionFactory db) : IHeldRunStore
{
    private const string Columns = "id, tenant_id, flow_id, source, target, payload_class, payload_xml, payload_json, created_at, trace_parent";

    public async Task<bool> HoldAsync(RunRequest r, int max, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await c.LockAsync(tx, "held_runs:" + r.TenantId, ct).ConfigureAwait(false);
        var held = await c.ExecAsync(tx, $"""
            INSERT INTO held_runs({Columns})
            SELECT @id, @tenant, @flow, @source, @target, @class, @xml, @json, @at, @tp
            WHERE (SELECT COUNT(*) FROM held_runs WHERE tenant_id = @tenant) < @max
            """, ct, ("id", r.Id), ("tenant", r.TenantId), ("flow", r.FlowId), ("source", r.Source.ToString()), ("target", r.Target),
            ("class", r.PayloadClass), ("xml", r.PayloadXml), ("json", r.PayloadJson), ("at", SqliteCommands.Iso(r.CreatedAt)),
            ("tp", r.TraceParent), ("max", (long)max)).ConfigureAwait(false) == 1;
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return held;
    }

    public async Task<long> HeldAsync(string tenantId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (long)(await c.ScalarAsync(null, "SELECT COUNT(*) FROM held_runs WHERE tenant_id = @t", ct, ("t", tenantId)).ConfigureAwait(false))!;
    }

    public async Task<RunRequest?> FindAsync(string tenantId, string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync(null, $"SELECT {Columns} FROM held_runs WHERE id = @id AND tenant_id = @t", Read, ct, ("id", id), ("t", tenantId))
            .ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.QueryAsync(null, "SELECT DISTINCT tenant_id FROM held_runs", r => r.GetString(0), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunRequest>> ReleaseAsync(string tenantId, int max, DateTimeOffset now, Func<string, int> partitionOf,
        CancellationToken ct = default)
    {
        if (max <= 0) return [];
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync(tx, $"""
            DELETE FROM held_runs WHERE seq IN (
                SELECT seq FROM held_runs WHERE tenant_id = @t ORDER BY seq LIMIT @n FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}, seq
            """, r => (Seq: r.GetInt64(10), Request: Read(r) with { CreatedAt = now }), ct, ("t", tenantId), ("n", (long)max)).ConfigureAwait(false);
        var moved = rows.OrderBy(x => x.Seq).Select(x => x.Request).ToList();
        if (moved.Count > 0)
        {
            await using var batch = new NpgsqlBatch(c, tx);
            foreach (var request in moved) PostgresInboxStore.AddInsert(batch, request, partitionOf(request.FlowId), null, UsageUnits.Released);
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return moved;
    }

    private static RunRequest Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), FlowId = r.GetString(2), Source = RunSource.Parse(r.GetString(3)),
        Target = r.StringOrNull(4), PayloadClass = r.StringOrNull(5), PayloadXml = r.StringOrNull(6), PayloadJson = r.StringOrNull(7),
        CreatedAt = SqliteCommands.ParseIso(r.GetString(8)), TraceParent = r.StringOrNull(9),
    };
}
