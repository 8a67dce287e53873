using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Npgsql;

namespace Nextra.Modules.Triggers.Stores;

/// <summary>
/// <see cref="IInboxStore"/> on Postgres (hosted mode). Any instance appends; the partition's lease holder claims
/// with one <c>UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)</c>, so two claimers never take one row.
/// Claims, attempts and completions carry the lease (<see cref="LeaseFence"/>) and are refused with
/// <see cref="FencedWriteException"/> when <c>partition_leases</c> no longer holds that epoch for that owner: an
/// instance paused past its lease cannot claim or complete after another took the partition over. Appends are not
/// fenced: a row born claimed under a stale epoch is simply claimed again by the newer one.
/// </summary>
internal sealed class PostgresInboxStore(IPostgresConnectionFactory db, TimeProvider time) : IInboxStore
{
    private const string Columns = "id, tenant_id, flow_id, source, target, payload_class, payload_xml, payload_json, attempts, created_at, trace_parent";

    /// <summary>Shards of a tenant's monthly count (see migration 0003): concurrent appends spread their row locks.</summary>
    private const int CountShards = 16;

    private const string LeaseHeld = "EXISTS (SELECT 1 FROM partition_leases l WHERE l.partition = @p AND l.epoch = @e AND l.owner = @me)";

    public async Task AppendAsync(RunRequest request, int partition, LeaseFence? claim, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        // One batch, one implicit transaction, one round trip: the row and its monthly count commit together.
        await using var batch = new NpgsqlBatch(c);
        AddInsert(batch, request, partition, claim);
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> AppendScheduledAsync(RunRequest request, int partition, LeaseFence? claim, string trigger, DateTimeOffset slot, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (!await InsertSlotAsync(c, tx, request.TenantId, request.FlowId, trigger, slot, request.Id, ct).ConfigureAwait(false))
        {
            return false;
        }
        await using (var batch = new NpgsqlBatch(c, tx))
        {
            AddInsert(batch, request, partition, claim);
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> MarkSlotAsync(string tenantId, string flowId, string trigger, DateTimeOffset slot, string runId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await InsertSlotAsync(c, null, tenantId, flowId, trigger, slot, runId, ct).ConfigureAwait(false);
    }

    private static async Task<bool> InsertSlotAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string tenantId, string flowId, string trigger,
        DateTimeOffset slot, string runId, CancellationToken ct) =>
        await c.ExecAsync(tx, """
            INSERT INTO schedule_slots(flow_id, trigger_name, slot, inbox_id, tenant_id) VALUES(@f, @t, @s, @i, @tn)
            ON CONFLICT DO NOTHING
            """, ct, ("f", flowId), ("t", trigger), ("s", SqliteCommands.Iso(slot)), ("i", runId), ("tn", tenantId)).ConfigureAwait(false) == 1;

    public async Task<IReadOnlyList<ClaimedRequest>> ClaimAsync(IReadOnlyList<LeaseFence> fences, int limit, CancellationToken ct = default)
    {
        if (fences.Count == 0) return [];
        var owner = fences[0].Owner;
        var parts = fences.Select(f => f.Partition).ToArray();
        var epochs = fences.Select(f => f.Epoch).ToArray();
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var stale = await c.QueryAsync(tx, """
            SELECT f.partition FROM unnest(@parts, @epochs) AS f(partition, epoch)
            WHERE NOT EXISTS (SELECT 1 FROM partition_leases l WHERE l.partition = f.partition AND l.epoch = f.epoch AND l.owner = @me)
            LIMIT 1
            """, r => r.GetInt32(0), ct, ("parts", parts), ("epochs", epochs), ("me", owner)).ConfigureAwait(false);
        if (stale.Count > 0)
        {
            throw new FencedWriteException(fences.First(f => f.Partition == stale[0]));
        }
        // The lease is checked again in the claim itself, so a takeover between the two statements claims nothing here.
        var claimed = await c.QueryAsync(tx, $"""
            UPDATE inbox i SET claimed_by = @me, claimed_at = @at, epoch = f.epoch
            FROM unnest(@parts, @epochs) AS f(partition, epoch)
            WHERE i.partition = f.partition
              AND EXISTS (SELECT 1 FROM partition_leases l WHERE l.partition = f.partition AND l.epoch = f.epoch AND l.owner = @me)
              AND i.id IN (
                SELECT t.id FROM inbox t JOIN unnest(@parts, @epochs) AS g(partition, epoch) ON g.partition = t.partition
                WHERE t.claimed_by IS NULL OR t.epoch < g.epoch
                ORDER BY t.id LIMIT @n
                FOR UPDATE OF t SKIP LOCKED)
            RETURNING i.id, i.tenant_id, i.flow_id, i.source, i.target, i.payload_class, i.payload_xml, i.payload_json, i.attempts, i.created_at, i.trace_parent,
                      i.partition, i.cancel_requested, f.epoch
            """, r => new ClaimedRequest(Read(r), new LeaseFence(r.GetInt32(11), r.GetInt64(13), owner), r.GetBoolean(12)),
            ct, ("me", owner), ("at", SqliteCommands.Iso(time.GetUtcNow())), ("parts", parts), ("epochs", epochs), ("n", limit)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        claimed.Sort((a, b) => string.CompareOrdinal(a.Request.Id, b.Request.Id));
        return claimed;
    }

    public Task MarkStartedAsync(string tenantId, string id, LeaseFence fence, CancellationToken ct = default) =>
        FencedAsync("UPDATE inbox SET attempts = attempts + 1 WHERE id = @id AND tenant_id = @t", tenantId, id, fence, ct);

    public Task CompleteAsync(string tenantId, string id, LeaseFence fence, CancellationToken ct = default) =>
        FencedAsync("DELETE FROM inbox WHERE id = @id AND tenant_id = @t", tenantId, id, fence, ct);

    /// <summary>
    /// Runs a write on one row; under a lease, only while the lease is current (else <see cref="FencedWriteException"/>).
    /// These writes (attempt counts, the delete after the final trace) do not wait for the WAL flush: lost with a
    /// Postgres crash, the row is pending again and recovery finds the trace (or runs the request again). Only the
    /// append, which acknowledges a run, waits for it.
    /// </summary>
    private async Task FencedAsync(string write, string tenantId, string id, LeaseFence fence, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(c, tx);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
        // A data-modifying CTE runs whatever the outer query reads, so check and write are one statement.
        var command = new NpgsqlBatchCommand(fence.IsNone
            ? $"WITH w AS ({write} RETURNING 1) SELECT true"
            : $"""
              WITH ok AS (SELECT {LeaseHeld} AS v),
                   w AS ({write} AND (SELECT v FROM ok) RETURNING 1)
              SELECT v FROM ok
              """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("t", tenantId);
        if (!fence.IsNone)
        {
            command.Parameters.AddWithValue("p", fence.Partition);
            command.Parameters.AddWithValue("e", fence.Epoch);
            command.Parameters.AddWithValue("me", fence.Owner);
        }
        batch.BatchCommands.Add(command);
        var held = await batch.ExecuteScalarAsync(ct).ConfigureAwait(false);
        if (held is not true)
        {
            await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw new FencedWriteException(fence);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct = default)
    {
        if (fences.Count == 0) return;
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, """
            UPDATE inbox i SET claimed_by = NULL, claimed_at = NULL
            FROM unnest(@parts, @epochs) AS f(partition, epoch)
            WHERE i.claimed_by = @me AND i.partition = f.partition AND i.epoch = f.epoch
            """, ct, ("me", fences[0].Owner), ("parts", fences.Select(f => f.Partition).ToArray()), ("epochs", fences.Select(f => f.Epoch).ToArray()))
            .ConfigureAwait(false);
    }

    public async Task<bool> RequestCancelAsync(string tenantId, string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.ExecAsync(null, "UPDATE inbox SET cancel_requested = true WHERE id = @id AND tenant_id = @t", ct, ("id", id), ("t", tenantId))
            .ConfigureAwait(false) == 1;
    }

    public async Task<RunRequest?> FindAsync(string tenantId, string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync(null, $"SELECT {Columns} FROM inbox WHERE id = @id AND tenant_id = @t", Read, ct, ("id", id), ("t", tenantId))
            .ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<RunRequest>> ListPendingAsync(string? tenantId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return tenantId is null
            ? await c.QueryAsync(null, $"SELECT {Columns} FROM inbox ORDER BY id LIMIT @n", Read, ct, ("n", limit)).ConfigureAwait(false)
            : await c.QueryAsync(null, $"SELECT {Columns} FROM inbox WHERE tenant_id = @t ORDER BY id LIMIT @n", Read, ct, ("t", tenantId), ("n", limit))
                .ConfigureAwait(false);
    }

    public async Task<long> CountPendingAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (long)(await c.ScalarAsync(null, "SELECT COUNT(*) FROM inbox", ct).ConfigureAwait(false))!;
    }

    public async Task<DateTimeOffset?> LastSlotAsync(string tenantId, string flowId, string trigger, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.ScalarAsync(null, "SELECT MAX(slot) FROM schedule_slots WHERE flow_id = @f AND trigger_name = @t AND tenant_id = @tn", ct,
            ("f", flowId), ("t", trigger), ("tn", tenantId)).ConfigureAwait(false) is string s ? SqliteCommands.ParseIso(s) : null;
    }

    public async Task<int> PruneSlotsAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.ExecAsync(null, """
            DELETE FROM schedule_slots s WHERE s.slot < @before
              AND s.slot < (SELECT MAX(s2.slot) FROM schedule_slots s2 WHERE s2.flow_id = s.flow_id AND s2.trigger_name = s.trigger_name)
            """, ct, ("before", SqliteCommands.Iso(before))).ConfigureAwait(false);
    }

    public Task CompactAsync(CancellationToken ct = default) => Task.CompletedTask;

    public async Task<long> MonthlyExecutionsAsync(string tenantId, string month, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (long)(await c.ScalarAsync(null, "SELECT COALESCE(SUM(count), 0)::bigint FROM monthly_executions WHERE tenant_id = @t AND month = @m", ct,
            ("t", tenantId), ("m", month)).ConfigureAwait(false))!;
    }

    // Every accepted row counts one execution of its tenant's month, in the same transaction: exact across crashes.
    // The usage ledger's +1 entry is in the same batch (R10): the count and the ledger cannot disagree.
    internal static void AddInsert(NpgsqlBatch batch, RunRequest r, int partition, LeaseFence? claim, string reason = UsageUnits.Accepted)
    {
        var insert = new NpgsqlBatchCommand($"""
            INSERT INTO inbox({Columns}, partition, claimed_by, claimed_at, epoch)
            VALUES(@id, @tenant, @flow, @source, @target, @class, @xml, @json, @attempts, @at, @tp, @p, @by, @cat, @epoch)
            """);
        Add(insert, "id", r.Id);
        Add(insert, "tenant", r.TenantId);
        Add(insert, "flow", r.FlowId);
        Add(insert, "source", r.Source.ToString());
        Add(insert, "target", r.Target);
        Add(insert, "class", r.PayloadClass);
        Add(insert, "xml", r.PayloadXml);
        Add(insert, "json", r.PayloadJson);
        Add(insert, "attempts", r.Attempts);
        Add(insert, "at", SqliteCommands.Iso(r.CreatedAt));
        Add(insert, "tp", r.TraceParent);
        Add(insert, "p", partition);
        Add(insert, "by", claim?.Owner);
        Add(insert, "cat", claim is null ? null : SqliteCommands.Iso(r.CreatedAt));
        Add(insert, "epoch", claim?.Epoch ?? 0L);
        batch.BatchCommands.Add(insert);
        var count = new NpgsqlBatchCommand("""
            INSERT INTO monthly_executions(tenant_id, month, shard, count) VALUES(@tenant, @month, @shard, 1)
            ON CONFLICT(tenant_id, month, shard) DO UPDATE SET count = monthly_executions.count + 1
            """);
        Add(count, "tenant", r.TenantId);
        Add(count, "month", QuotaCounters.MonthOf(r.CreatedAt));
        Add(count, "shard", (short)Random.Shared.Next(CountShards));
        batch.BatchCommands.Add(count);
        var ledger = new NpgsqlBatchCommand("""
            INSERT INTO usage_ledger(tenant_id, period, unit, qty, flow_id, run_id, reason, at) VALUES(@tenant, @month, 'execution', 1, @flow, @id, @reason, @at)
            ON CONFLICT DO NOTHING
            """);
        Add(ledger, "tenant", r.TenantId);
        Add(ledger, "month", QuotaCounters.MonthOf(r.CreatedAt));
        Add(ledger, "flow", r.FlowId);
        Add(ledger, "id", r.Id);
        Add(ledger, "reason", reason);
        Add(ledger, "at", SqliteCommands.Iso(r.CreatedAt));
        batch.BatchCommands.Add(ledger);
    }

    /// <summary>A shard of a tenant's monthly count, for a refund's −1 (the month's count is the sum of its shards).</summary>
    internal static short AnyShard() => (short)Random.Shared.Next(CountShards);

    private static void Add(NpgsqlBatchCommand command, string name, object? value) => command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    private static RunRequest Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), FlowId = r.GetString(2), Source = RunSource.Parse(r.GetString(3)),
        Target = r.StringOrNull(4), PayloadClass = r.StringOrNull(5), PayloadXml = r.StringOrNull(6), PayloadJson = r.StringOrNull(7),
        Attempts = r.GetInt32(8), CreatedAt = SqliteCommands.ParseIso(r.GetString(9)), TraceParent = r.StringOrNull(10),
    };
}
