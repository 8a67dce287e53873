using Microsoft.Data.Sqlite;
using Nextra.Modules.Runs.Storage;

namespace Nextra.Modules.Triggers.Stores;

/// <summary>
/// The durable inbox, schedule slots, webhook tokens and flow run-time settings, in their own
/// SQLite file (<c>inbox.db</c>) so trigger acknowledgements never queue behind control-plane writes.
/// </summary>
public sealed class InboxStore : IAsyncDisposable
{
    private const string Columns = "id, tenant_id, flow_id, source, target, payload_class, payload_xml, payload_json, attempts, created_at";
    private readonly SqliteFile _file;
    private readonly BatchWriter _writer;

    public InboxStore(string path)
    {
        _file = new SqliteFile(path);
        _file.Migrate("triggers", "Nextra.Modules.Triggers.Migrations.");
        _writer = new BatchWriter(_file);
    }

    public string Path => _file.Path;

    /// <summary>Writes queued in the group-commit writer.</summary>
    public int PendingWrites => _writer.Pending;

    /// <summary>Completes once the row has committed: only then may the trigger be acknowledged.</summary>
    public Task AddAsync(InboxItem item) => _writer.WriteAsync((c, tx) => Insert(c, tx, item));

    /// <summary>Inserts the (trigger, slot) row and the inbox row together; false when that slot already fired.</summary>
    public async Task<bool> AddScheduledAsync(InboxItem item, string triggerName, DateTimeOffset slot)
    {
        var fired = false;
        await _writer.WriteAsync((c, tx) =>
        {
            fired = c.ExecCached(tx, "INSERT OR IGNORE INTO schedule_slots(flow_id, trigger_name, slot, inbox_id) VALUES($f, $t, $s, $i)",
                ("$f", item.FlowId), ("$t", triggerName), ("$s", Sql.Iso(slot)), ("$i", item.Id)) == 1;
            if (fired) Insert(c, tx, item);
        }).ConfigureAwait(false);
        return fired;
    }

    /// <summary>Removes a row whose run has a committed final trace.</summary>
    public Task RemoveAsync(string id) => _writer.WriteAsync((c, tx) => c.ExecCached(tx, "DELETE FROM inbox WHERE id=$id", ("$id", id)));

    /// <summary>Counts a dispatch attempt (so a row that crashes the server every time can be given up on).</summary>
    public Task MarkAttemptAsync(string id) =>
        _writer.WriteAsync((c, tx) => c.ExecCached(tx, "UPDATE inbox SET attempts = attempts + 1 WHERE id=$id", ("$id", id)));

    public IReadOnlyList<InboxItem> ListPending()
    {
        using var c = _file.Open();
        return c.Query($"SELECT {Columns} FROM inbox ORDER BY id", Read);
    }

    public InboxItem? Find(string id)
    {
        using var c = _file.Open();
        return c.Query($"SELECT {Columns} FROM inbox WHERE id=$id", Read, ("$id", id)).FirstOrDefault();
    }

    public long CountPending()
    {
        using var c = _file.Open();
        return (long)c.Scalar("SELECT COUNT(*) FROM inbox")!;
    }

    /// <summary>The latest slot that fired for a schedule trigger, or null.</summary>
    public DateTimeOffset? LastSlot(string flowId, string triggerName)
    {
        using var c = _file.Open();
        return c.Scalar("SELECT MAX(slot) FROM schedule_slots WHERE flow_id=$f AND trigger_name=$t", ("$f", flowId), ("$t", triggerName)) is string s
            ? Sql.ParseIso(s) : null;
    }

    /// <summary>Drops slot rows older than <paramref name="before"/>, keeping each trigger's latest as its missed-slot cursor.</summary>
    public int PruneSlots(DateTimeOffset before)
    {
        using var c = _file.Open();
        return c.Exec("""
            DELETE FROM schedule_slots WHERE slot < $before
              AND slot < (SELECT MAX(s2.slot) FROM schedule_slots s2 WHERE s2.flow_id = schedule_slots.flow_id AND s2.trigger_name = schedule_slots.trigger_name)
            """, ("$before", Sql.Iso(before)));
    }

    public IReadOnlyList<(string FlowId, string TriggerName, string Token)> ListTokens()
    {
        using var c = _file.Open();
        return c.Query("SELECT flow_id, trigger_name, token FROM webhook_tokens", r => (r.GetString(0), r.GetString(1), r.GetString(2)));
    }

    public void SetToken(string flowId, string triggerName, string token, DateTimeOffset at)
    {
        using var c = _file.Open();
        c.Exec("""
            INSERT INTO webhook_tokens(flow_id, trigger_name, token, created_at) VALUES($f, $t, $k, $at)
            ON CONFLICT(flow_id, trigger_name) DO UPDATE SET token=excluded.token, created_at=excluded.created_at
            """, ("$f", flowId), ("$t", triggerName), ("$k", token), ("$at", Sql.Iso(at)));
    }

    public void DeleteTokens(string flowId)
    {
        using var c = _file.Open();
        c.Exec("DELETE FROM webhook_tokens WHERE flow_id=$f", ("$f", flowId));
    }

    public bool GetKeepAlive(string flowId)
    {
        using var c = _file.Open();
        return c.Scalar("SELECT keep_alive FROM flow_runtime WHERE flow_id=$f", ("$f", flowId)) is long v && v == 1;
    }

    public void SetKeepAlive(string flowId, bool keepAlive)
    {
        using var c = _file.Open();
        c.Exec("INSERT INTO flow_runtime(flow_id, keep_alive) VALUES($f, $k) ON CONFLICT(flow_id) DO UPDATE SET keep_alive=excluded.keep_alive",
            ("$f", flowId), ("$k", keepAlive ? 1 : 0));
    }

    /// <summary>The persisted reason of a flow's last <c>error</c> status, or null.</summary>
    public string? GetError(string flowId)
    {
        using var c = _file.Open();
        return c.Scalar("SELECT error FROM flow_runtime WHERE flow_id=$f", ("$f", flowId)) as string;
    }

    /// <summary>Records (or clears, with null) why a flow is in status <c>error</c>.</summary>
    public void SetError(string flowId, string? error)
    {
        using var c = _file.Open();
        c.Exec("INSERT INTO flow_runtime(flow_id, error) VALUES($f, $e) ON CONFLICT(flow_id) DO UPDATE SET error=excluded.error",
            ("$f", flowId), ("$e", error));
    }

    private static void Insert(SqliteConnection c, SqliteTransaction tx, InboxItem item) =>
        c.ExecCached(tx, $"INSERT INTO inbox({Columns}) VALUES($id, $tenant, $flow, $source, $target, $class, $xml, $json, $attempts, $at)",
            ("$id", item.Id), ("$tenant", item.TenantId), ("$flow", item.FlowId), ("$source", item.Source), ("$target", item.Target),
            ("$class", item.PayloadClass), ("$xml", item.PayloadXml), ("$json", item.PayloadJson), ("$attempts", item.Attempts),
            ("$at", Sql.Iso(item.CreatedAt)));

    private static InboxItem Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), FlowId = r.GetString(2), Source = r.GetString(3),
        Target = r.StringOrNull(4), PayloadClass = r.StringOrNull(5), PayloadXml = r.StringOrNull(6), PayloadJson = r.StringOrNull(7),
        Attempts = (int)r.GetInt64(8), CreatedAt = Sql.ParseIso(r.GetString(9)),
    };

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
