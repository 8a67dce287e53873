using System.Data.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Audit.Stores;

internal sealed class SqliteAuditStore(ISqliteConnectionFactory db) : AuditStoreBase
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct: ct);
}
