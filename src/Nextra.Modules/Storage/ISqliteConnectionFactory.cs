using Microsoft.Data.Sqlite;

namespace Nextra.Modules.Storage;

/// <summary>
/// The one place SQLite connections come from, so every connection carries the same pragmas
/// (busy_timeout first, then WAL, foreign keys, synchronous=NORMAL). A database file is created with
/// <c>auto_vacuum=INCREMENTAL</c>, so retention can hand freed pages back to the file system.
/// </summary>
public interface ISqliteConnectionFactory
{
    /// <summary>The data directory (absolute).</summary>
    string DataDir { get; }

    /// <summary>Absolute path of the file behind a logical database name.</summary>
    string PathOf(string database);

    /// <summary>Opens a pooled connection to <paramref name="database"/> (default: control plane) with the pragmas applied.</summary>
    Task<SqliteConnection> OpenAsync(string database = Databases.ControlPlane, CancellationToken ct = default);

    /// <summary>The synchronous twin of <see cref="OpenAsync"/>, for long-lived writer threads.</summary>
    SqliteConnection Open(string database);
}
