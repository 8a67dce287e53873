using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers.Stores;

/// <summary>
/// <see cref="IInboxStore"/> on SQLite (<c>inbox.db</c>, its own file so acknowledgements never queue behind
/// control-plane writes). Writes on the webhook path go through the database's group-commit writer: thousands of
/// acknowledgements a second cost one WAL append per batch.
/// </summary>
internal sealed class SqliteInboxStore(ISqliteConnectionFactory db, SqliteBatchWriters writers, TimeProvider time) : IInboxStore
{
    private const string Columns = "id, tenant_id, flow_id, source, target, payload_class, payload_xml, payload_json, attempts, created_at, trace_parent";

    private SqliteBatchWriter Writer => writers.For(Databases.Inbox);

    public Task AppendAsync(RunRequest request, int partition, LeaseFence? claim, CancellationToken ct = default) =>
        Writer.WriteAsync((c, tx) => Insert(c, tx, request, partition, claim));

    public async Task<bool> AppendScheduledAsync(RunRequest request, int partition, LeaseFence? claim, string trigger, DateTimeOffset slot, CancellationToken ct = default)
    {
        var fired = false;
        await Writer.WriteAsync((c, tx) =>
        {
            fired = InsertSlot(c, tx, request.TenantId, request.FlowId, trigger, slot, request.Id);
            if (fired) Insert(c, tx, request, partition, claim);
        }).ConfigureAwait(false);
        return fired;
    }

    public async Task<bool> MarkSlotAsync(string tenantId, string flowId, string trigger, DateTimeOffset slot, string runId, CancellationToken ct = default)
    {
        var fired = false;
        await Writer.WriteAsync((c, tx) => fired = InsertSlot(c, tx, tenantId, flowId, trigger, slot, runId)).ConfigureAwait(false);
        return fired;
    }

    private static bool InsertSlot(SqliteConnection c, SqliteTransaction tx, string tenantId, string flowId, string trigger, DateTimeOffset slot, string runId) =>
        c.ExecCached(tx, "INSERT OR IGNORE INTO schedule_slots(flow_id, trigger_name, slot, inbox_id, tenant_id) VALUES($f, $t, $s, $i, $tn)",
            ("$f", flowId), ("$t", trigger), ("$s", SqliteCommands.Iso(slot)), ("$i", runId), ("$tn", tenantId)) == 1;

    public async Task<IReadOnlyList<ClaimedRequest>> ClaimAsync(IReadOnlyList<LeaseFence> fences, int limit, CancellationToken ct = default)
    {
        if (fences.Count == 0) return [];
        // One embedded server: every fence has the same epoch and owner.
        var fence = fences[0];
        var partitions = JsonSerializer.Serialize(fences.Select(f => f.Partition).ToArray(), TriggersJsonContext.Default.Int32Array);
        var claimed = new List<ClaimedRequest>();
        await Writer.WriteAsync((c, tx) =>
        {
            using var command = c.Command($"""
                UPDATE inbox SET claimed_by = $me, claimed_at = $at, epoch = $epoch
                WHERE id IN (
                    SELECT id FROM inbox
                    WHERE (partition IN (SELECT value FROM json_each($parts)) OR partition = -1)
                      AND (claimed_by IS NULL OR epoch < $epoch)
                    ORDER BY id LIMIT $n)
                RETURNING {Columns}, partition, cancel_requested
                """, tx, ("$me", fence.Owner), ("$at", SqliteCommands.Iso(time.GetUtcNow())), ("$epoch", fence.Epoch), ("$parts", partitions), ("$n", limit));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var request = Read(reader);
                var partition = reader.GetInt32(11);
                var rowFence = fences.FirstOrDefault(f => f.Partition == partition, fence);
                claimed.Add(new ClaimedRequest(request, rowFence, reader.GetInt64(12) != 0));
            }
        }).ConfigureAwait(false);
        claimed.Sort((a, b) => string.CompareOrdinal(a.Request.Id, b.Request.Id));
        return claimed;
    }

    public Task MarkStartedAsync(string tenantId, string id, LeaseFence fence, CancellationToken ct = default) =>
        Writer.WriteAsync((c, tx) => c.ExecCached(tx, "UPDATE inbox SET attempts = attempts + 1 WHERE id=$id AND tenant_id=$t", ("$id", id), ("$t", tenantId)));

    // Deferred: the delete rides along with the next append's commit (a lost delete is repaired by recovery, which sees the trace).
    public Task CompleteAsync(string tenantId, string id, LeaseFence fence, CancellationToken ct = default) =>
        Writer.WriteDeferredAsync((c, tx) => c.ExecCached(tx, "DELETE FROM inbox WHERE id=$id AND tenant_id=$t", ("$id", id), ("$t", tenantId)));

    public Task ReleaseAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct = default)
    {
        if (fences.Count == 0) return Task.CompletedTask;
        var partitions = JsonSerializer.Serialize(fences.Select(f => f.Partition).ToArray(), TriggersJsonContext.Default.Int32Array);
        return Writer.WriteAsync((c, tx) => c.Exec(tx, """
            UPDATE inbox SET claimed_by = NULL, claimed_at = NULL
            WHERE claimed_by = $me AND partition IN (SELECT value FROM json_each($parts))
            """, ("$me", fences[0].Owner), ("$parts", partitions)));
    }

    public async Task<bool> RequestCancelAsync(string tenantId, string id, CancellationToken ct = default)
    {
        var found = false;
        await Writer.WriteAsync((c, tx) => found = c.Exec(tx, "UPDATE inbox SET cancel_requested = 1 WHERE id=$id AND tenant_id=$t",
            ("$id", id), ("$t", tenantId)) == 1).ConfigureAwait(false);
        return found;
    }

    public async Task<RunRequest?> FindAsync(string tenantId, string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Query($"SELECT {Columns} FROM inbox WHERE id=$id AND tenant_id=$t", Read, ("$id", id), ("$t", tenantId)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<RunRequest>> ListPendingAsync(string? tenantId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Query($"SELECT {Columns} FROM inbox WHERE ($t IS NULL OR tenant_id = $t) ORDER BY id LIMIT $n", Read, ("$t", tenantId), ("$n", limit));
    }

    public async Task<long> CountPendingAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return (long)c.Scalar("SELECT COUNT(*) FROM inbox")!;
    }

    public async Task<DateTimeOffset?> LastSlotAsync(string tenantId, string flowId, string trigger, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Scalar("SELECT MAX(slot) FROM schedule_slots WHERE flow_id=$f AND trigger_name=$t AND tenant_id IN ($tn, '')",
            ("$f", flowId), ("$t", trigger), ("$tn", tenantId)) is string s ? SqliteCommands.ParseIso(s) : null;
    }

    public async Task<int> PruneSlotsAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Exec("""
            DELETE FROM schedule_slots WHERE slot < $before
              AND slot < (SELECT MAX(s2.slot) FROM schedule_slots s2 WHERE s2.flow_id = schedule_slots.flow_id AND s2.trigger_name = schedule_slots.trigger_name)
            """, ("$before", SqliteCommands.Iso(before)));
    }

    public async Task CompactAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        c.Exec("PRAGMA incremental_vacuum;");
        c.Exec("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    public async Task<long> MonthlyExecutionsAsync(string tenantId, string month, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Scalar("SELECT count FROM monthly_executions WHERE tenant_id=$t AND month=$m", ("$t", tenantId), ("$m", month)) is long n ? n : 0;
    }

    // Every accepted row counts one execution of its tenant's month, in the same transaction: exact across
    // crashes and free of an extra commit on the webhook hot path.
    // The usage ledger's +1 entry is written here too (R10): the count and the ledger cannot disagree.
    internal static void Insert(SqliteConnection c, SqliteTransaction tx, RunRequest r, int partition, LeaseFence? claim, string reason = UsageUnits.Accepted)
    {
        c.ExecCached(tx, $"""
            INSERT INTO inbox({Columns}, partition, claimed_by, claimed_at, epoch)
            VALUES($id, $tenant, $flow, $source, $target, $class, $xml, $json, $attempts, $at, $tp, $p, $by, $cat, $epoch)
            """,
            ("$id", r.Id), ("$tenant", r.TenantId), ("$flow", r.FlowId), ("$source", r.Source.ToString()), ("$target", r.Target),
            ("$class", r.PayloadClass), ("$xml", r.PayloadXml), ("$json", r.PayloadJson), ("$attempts", r.Attempts),
            ("$at", SqliteCommands.Iso(r.CreatedAt)), ("$tp", r.TraceParent), ("$p", partition), ("$by", claim?.Owner), ("$cat", claim is null ? null : SqliteCommands.Iso(r.CreatedAt)),
            ("$epoch", claim?.Epoch ?? 0));
        c.ExecCached(tx, """
            INSERT INTO monthly_executions(tenant_id, month, count) VALUES($tenant, $month, 1)
            ON CONFLICT(tenant_id, month) DO UPDATE SET count = count + 1
            """, ("$tenant", r.TenantId), ("$month", QuotaCounters.MonthOf(r.CreatedAt)));
        SqliteUsageLedger.Counted(c, tx, r.TenantId, QuotaCounters.MonthOf(r.CreatedAt), r.FlowId, r.Id, reason, r.CreatedAt);
    }

    private static RunRequest Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), FlowId = r.GetString(2), Source = RunSource.Parse(r.GetString(3)),
        Target = r.StringOrNull(4), PayloadClass = r.StringOrNull(5), PayloadXml = r.StringOrNull(6), PayloadJson = r.StringOrNull(7),
        Attempts = (int)r.GetInt64(8), CreatedAt = SqliteCommands.ParseIso(r.GetString(9)), TraceParent = r.StringOrNull(10),
    };
}
