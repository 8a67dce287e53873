namespace Nextra.Modules.Storage;

/// <summary>Where data lives and how databases are opened. Config section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (embedded: files in <see cref="DataDir"/>) or <c>postgres</c> (hosted: <see cref="Postgres"/>).</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>Npgsql connection string, used when <see cref="Provider"/> is <c>postgres</c>.</summary>
    public string Postgres { get; set; } = "";

    /// <summary>Data directory holding <c>nextra.db</c>, <c>inbox.db</c>, <c>traces.db</c>, the secrets key and <c>backups/</c>.</summary>
    public string DataDir { get; set; } = "nextra_data";

    /// <summary>Milliseconds a connection waits on a locked database before failing.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>Copy a database into <c>backups/</c> before pending migrations change it.</summary>
    public bool BackupBeforeMigrate { get; set; } = true;

    /// <summary>Hours between scheduled backup archives in <c>backups/</c>; 0 = off.</summary>
    public int BackupIntervalHours { get; set; }

    /// <summary>Scheduled backup archives kept (oldest deleted first).</summary>
    public int BackupKeep { get; set; } = 7;

    /// <summary>
    /// Set by <c>nextra serve</c>: the server takes an exclusive lock on the data directory so a second server
    /// on the same directory stops at once. One-shot CLI commands leave it off and write beside the server (WAL).
    /// </summary>
    public bool LockDataDir { get; set; }

    public bool IsPostgres => string.Equals(Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Values of <c>[storage] provider</c>.</summary>
public static class StorageProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
}
