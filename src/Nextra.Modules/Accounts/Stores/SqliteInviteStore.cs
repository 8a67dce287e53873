using System.Data.Common;
using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

internal sealed class SqliteInviteStore(ISqliteConnectionFactory db) : InviteStoreBase, IInviteStore
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct: ct);

    // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock up front, so the seat count cannot change under us.
    protected override async Task<DbTransaction> BeginLockedAsync(DbConnection conn, string tenantId, CancellationToken ct) =>
        await conn.BeginTransactionAsync(ct);

    protected override bool IsUniqueViolation(Exception ex) => ex is SqliteException { SqliteErrorCode: 19 };
}
