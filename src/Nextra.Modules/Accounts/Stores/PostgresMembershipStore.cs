using System.Data.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

internal sealed class PostgresMembershipStore(IPostgresConnectionFactory db) : MembershipStoreBase
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct);

    protected override async Task<DbTransaction> BeginLockedAsync(DbConnection conn, string tenantId, CancellationToken ct)
    {
        var npgsql = (Npgsql.NpgsqlConnection)conn;
        var tx = await npgsql.BeginTransactionAsync(ct);
        await npgsql.LockAsync(tx, "accounts:members:" + tenantId, ct);
        return tx;
    }
}
