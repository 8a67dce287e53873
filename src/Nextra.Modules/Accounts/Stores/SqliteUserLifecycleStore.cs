using System.Data.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

internal sealed class SqliteUserLifecycleStore(ISqliteConnectionFactory db) : UserLifecycleStoreBase
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct: ct);
}
