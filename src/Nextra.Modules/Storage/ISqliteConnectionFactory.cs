using Microsoft.Data.Sqlite;

namespace Nextra.Modules.Storage;

/// <summary>
/// The one place SQLite connections come from, so every connection carries the same pragmas
/// (busy_timeout, WAL, foreign keys, synchronous=NORMAL).
/// </summary>
public interface ISqliteConnectionFactory
{
    /// <summary>Absolute path of the file behind a logical database name.</summary>
    string PathOf(string database);

    /// <summary>Opens a pooled connection to <paramref name="database"/> (default: control plane) with the pragmas applied.</summary>
    Task<SqliteConnection> OpenAsync(string database = Databases.ControlPlane, CancellationToken ct = default);
}
