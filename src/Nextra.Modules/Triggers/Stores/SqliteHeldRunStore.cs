using Microsoft.Data.Sqlite;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers.Stores;

/// <summary><see cref="IHeldRunStore"/> on SQLite (<c>inbox.db</c>, through its group-commit writer: one writer, so a release is never doubled).</summary>
internal sealed class SqliteHeldRunStore(ISqliteConnectionFactory db, SqliteBatchWriters writers) : IHeldRunStore
{
    private const string Columns = "id, tenant_id, flow_id, source, target, payload_class, payload_xml, payload_json, created_at, trace_parent";

    private SqliteBatchWriter Writer => writers.For(Databases.Inbox);

    public async Task<bool> HoldAsync(RunRequest r, int max, CancellationToken ct = default)
    {
        var held = false;
        await Writer.WriteAsync((c, tx) => held = c.ExecCached(tx, $"""
            INSERT INTO held_runs({Columns})
            SELECT $id, $tenant, $flow, $source, $target, $class, $xml, $json, $at, $tp
            WHERE (SELECT COUNT(*) FROM held_runs WHERE tenant_id = $tenant) < $max
            """, ("$id", r.Id), ("$tenant", r.TenantId), ("$flow", r.FlowId), ("$source", r.Source.ToString()), ("$target", r.Target),
            ("$class", r.PayloadClass), ("$xml", r.PayloadXml), ("$json", r.PayloadJson), ("$at", SqliteCommands.Iso(r.CreatedAt)),
            ("$tp", r.TraceParent), ("$max", max)) == 1).ConfigureAwait(false);
        return held;
    }

    public async Task<long> HeldAsync(string tenantId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Scalar("SELECT COUNT(*) FROM held_runs WHERE tenant_id = $t", ("$t", tenantId)) is long n ? n : 0;
    }

    public async Task<RunRequest?> FindAsync(string tenantId, string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Query($"SELECT {Columns} FROM held_runs WHERE id = $id AND tenant_id = $t", Read, ("$id", id), ("$t", tenantId)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Query("SELECT DISTINCT tenant_id FROM held_runs", r => r.GetString(0));
    }

    public async Task<IReadOnlyList<RunRequest>> ReleaseAsync(string tenantId, int max, DateTimeOffset now, Func<string, int> partitionOf,
        CancellationToken ct = default)
    {
        if (max <= 0) return [];
        var moved = new List<RunRequest>();
        await Writer.WriteAsync((c, tx) =>
        {
            moved.Clear(); // a batch retried alone runs this again
            using (var take = c.Command($"""
                DELETE FROM held_runs WHERE seq IN (SELECT seq FROM held_runs WHERE tenant_id = $t ORDER BY seq LIMIT $n)
                RETURNING {Columns}, seq
                """, tx, ("$t", tenantId), ("$n", max)))
            using (var reader = take.ExecuteReader())
            {
                var rows = new List<(long Seq, RunRequest Request)>();
                while (reader.Read()) rows.Add((reader.GetInt64(10), Read(reader) with { CreatedAt = now }));
                moved.AddRange(rows.OrderBy(x => x.Seq).Select(x => x.Request));
            }
            foreach (var request in moved) SqliteInboxStore.Insert(c, tx, request, partitionOf(request.FlowId), null, UsageUnits.Released);
        }).ConfigureAwait(false);
        return moved;
    }

    private static RunRequest Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), FlowId = r.GetString(2), Source = RunSource.Parse(r.GetString(3)),
        Target = r.StringOrNull(4), PayloadClass = r.StringOrNull(5), PayloadXml = r.StringOrNull(6), PayloadJson = r.StringOrNull(7),
        CreatedAt = SqliteCommands.ParseIso(r.GetString(8)), TraceParent = r.StringOrNull(9),
    };
}
