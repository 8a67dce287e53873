using System.Data.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

internal sealed class SqliteMembershipStore(ISqliteConnectionFactory db) : MembershipStoreBase
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct: ct);

    // Microsoft.Data.Sqlite begins IMMEDIATE: the whole database's write lock, taken up front.
    protected override async Task<DbTransaction> BeginLockedAsync(DbConnection conn, string tenantId, CancellationToken ct) =>
        await conn.BeginTransactionAsync(ct);
}
