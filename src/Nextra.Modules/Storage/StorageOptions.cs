namespace Nextra.Modules.Storage;

/// <summary>Where the data directory lives and how databases are opened. Config section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Data directory holding <c>nextra.db</c>, other databases and <c>backups/</c>.</summary>
    public string DataDir { get; set; } = "nextra_data";

    /// <summary>Milliseconds a connection waits on a locked database before failing.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>Copy a database into <c>backups/</c> before pending migrations change it.</summary>
    public bool BackupBeforeMigrate { get; set; } = true;
}
