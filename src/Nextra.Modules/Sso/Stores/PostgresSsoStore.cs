using System.Data.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Sso.Stores;

internal sealed class PostgresSsoStore(IPostgresConnectionFactory db) : SsoStoreBase
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct);
}
