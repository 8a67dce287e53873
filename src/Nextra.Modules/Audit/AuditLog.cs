using Nextra.Modules.Audit.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Audit;

/// <summary><see cref="IAuditLog"/> over the audit store: stamps the time and a time-ordered id, bounds the text.</summary>
internal sealed class AuditLog(IAuditStore store, TimeProvider time) : IAuditLog
{
    public Task RecordAsync(AuditRecord record, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return store.AppendAsync(new AuditRow
        {
            Id = SortableId.New(now),
            TenantId = record.TenantId,
            At = SqliteCommands.Iso(now),
            ActorUserId = record.Actor.UserId,
            ActorEmail = Bound(record.Actor.Email, 254),
            Via = record.Actor.Via,
            Action = Bound(record.Action, 100)!,
            Target = Bound(record.Target, 500),
            Detail = Bound(record.Detail, 1000),
            Ip = Bound(record.Ip, 64),
        }, ct);
    }

    private static string? Bound(string? text, int max) => text is { } t && t.Length > max ? t[..max] : text;
}
