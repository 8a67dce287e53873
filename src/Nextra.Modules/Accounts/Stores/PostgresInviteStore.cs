using System.Data.Common;
using Nextra.Modules.Storage;
using Npgsql;

namespace Nextra.Modules.Accounts.Stores;

internal sealed class PostgresInviteStore(IPostgresConnectionFactory db) : InviteStoreBase, IInviteStore
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct);

    protected override async Task<DbTransaction> BeginLockedAsync(DbConnection conn, string tenantId, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)conn;
        var tx = await npgsql.BeginTransactionAsync(ct);
        await npgsql.LockAsync(tx, "accounts:members:" + tenantId, ct);
        return tx;
    }

    protected override bool IsUniqueViolation(Exception ex) => ex is PostgresException pg && pg.IsUniqueViolation();
}
