using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Storage;

internal sealed partial class SqliteConnectionFactory : ISqliteConnectionFactory
{
    private readonly StorageOptions _options;
    private readonly string _dataDir;

    public SqliteConnectionFactory(IOptions<StorageOptions> options)
    {
        _options = options.Value;
        _dataDir = Path.GetFullPath(_options.DataDir);
    }

    public string PathOf(string database)
    {
        // Names become file names; refuse anything that could escape the data directory.
        if (!SafeName().IsMatch(database))
        {
            throw new ArgumentException($"Invalid database name '{database}'.", nameof(database));
        }
        return Path.Combine(_dataDir, database + ".db");
    }

    public async Task<SqliteConnection> OpenAsync(string database = Databases.ControlPlane, CancellationToken ct = default)
    {
        var path = PathOf(database);
        Directory.CreateDirectory(_dataDir);
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite's own retry loop honours this too.
            DefaultTimeout = Math.Max(1, _options.BusyTimeoutMs / 1000),
        }.ToString();
        var connection = new SqliteConnection(cs);
        try
        {
            await connection.OpenAsync(ct);
            await using var cmd = connection.CreateCommand();
            // busy_timeout first: switching to WAL itself may need to wait for another writer.
            cmd.CommandText = $"""
                PRAGMA busy_timeout = {_options.BusyTimeoutMs};
                PRAGMA journal_mode = WAL;
                PRAGMA foreign_keys = ON;
                PRAGMA synchronous = NORMAL;
                """;
            await cmd.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex SafeName();
}
