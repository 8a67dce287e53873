using Nextra.Modules.Runs.Storage;

namespace Nextra.Modules.Runs.Stores;

public sealed partial class TraceStore
{
    /// <summary>
    /// One retention pass: deletes runs older than their tier's age or beyond its per-flow count,
    /// <paramref name="batchSize"/> runs per transaction, then returns freed pages to the file system
    /// (incremental vacuum) and truncates the WAL. Returns the number of runs deleted.
    /// </summary>
    public int ApplyRetention(Func<string, RetentionPolicy> policyForTenant, DateTimeOffset now, int batchSize)
    {
        using var c = _file.Open();
        var flows = c.Query("SELECT flow_id, tenant_id, COUNT(*) FROM runs GROUP BY flow_id, tenant_id",
            r => (Flow: r.GetString(0), Tenant: r.GetString(1), Count: r.GetInt64(2)));
        var deleted = 0;
        foreach (var (flow, tenant, count) in flows)
        {
            var policy = policyForTenant(tenant);
            var cutoff = Sql.Iso(now.AddDays(-policy.MaxAgeDays));
            while (true)
            {
                // Oldest first: past the per-flow count, or older than the cutoff.
                var ids = c.Query("""
                    SELECT run_id FROM runs WHERE flow_id=$f AND (started_at < $cut OR run_id <= COALESCE(
                        (SELECT run_id FROM runs WHERE flow_id=$f ORDER BY run_id DESC LIMIT 1 OFFSET $max), ''))
                    ORDER BY run_id LIMIT $n
                    """, r => r.GetString(0), ("$f", flow), ("$cut", cutoff), ("$max", policy.MaxRunsPerFlow), ("$n", batchSize));
                if (ids.Count == 0) break;
                DeleteBatch(c, ids);
                deleted += ids.Count;
                if (ids.Count < batchSize) break;
            }
        }
        if (deleted > 0)
        {
            c.Exec("PRAGMA incremental_vacuum;");
            c.Exec("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        return deleted;
    }

    private static void DeleteBatch(Microsoft.Data.Sqlite.SqliteConnection c, List<string> ids)
    {
        using var tx = c.BeginTransaction();
        var list = string.Join(",", ids.Select((_, i) => "$p" + i));
        var args = ids.Select((id, i) => ("$p" + i, (object?)id)).ToArray();
        foreach (var table in (string[])["payloads", "steps", "runs"])
            c.Exec(tx, $"DELETE FROM {table} WHERE run_id IN ({list})", args);
        tx.Commit();
    }

    /// <summary>Size of the database file plus its WAL, in bytes.</summary>
    public long FileBytes()
    {
        long Size(string p) => File.Exists(p) ? new FileInfo(p).Length : 0;
        return Size(Path) + Size(Path + "-wal");
    }
}
