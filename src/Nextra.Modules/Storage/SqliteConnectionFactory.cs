using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Storage;

internal sealed partial class SqliteConnectionFactory : ISqliteConnectionFactory
{
    private readonly StorageOptions _options;
    private readonly ConcurrentDictionary<string, string> _connectionStrings = new(StringComparer.Ordinal);

    public SqliteConnectionFactory(IOptions<StorageOptions> options)
    {
        _options = options.Value;
        DataDir = Path.GetFullPath(_options.DataDir);
    }

    public string DataDir { get; }

    public string PathOf(string database)
    {
        // Names become file names; refuse anything that could escape the data directory.
        if (!SafeName().IsMatch(database))
        {
            throw new ArgumentException($"Invalid database name '{database}'.", nameof(database));
        }
        return Path.Combine(DataDir, database + ".db");
    }

    public async Task<SqliteConnection> OpenAsync(string database = Databases.ControlPlane, CancellationToken ct = default)
    {
        var connection = new SqliteConnection(ConnectionString(database));
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Pragmas;
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(ConnectionString(database));
        try
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Pragmas;
            cmd.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // busy_timeout first: switching to WAL itself may need to wait for another writer. WAL with synchronous=NORMAL:
    // a commit survives a killed process (the WAL is in the OS cache); only an OS crash can lose the last commits.
    private string Pragmas => $"""
        PRAGMA busy_timeout = {_options.BusyTimeoutMs};
        PRAGMA journal_mode = WAL;
        PRAGMA foreign_keys = ON;
        PRAGMA synchronous = NORMAL;
        """;

    private string ConnectionString(string database) => _connectionStrings.GetOrAdd(database, name =>
    {
        var path = PathOf(name);
        Directory.CreateDirectory(DataDir);
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite's own retry loop honours this too.
            DefaultTimeout = Math.Max(1, _options.BusyTimeoutMs / 1000),
        }.ToString();
        if (!File.Exists(path))
        {
            // auto_vacuum only takes effect before the first table exists, so a new file gets it first.
            using var first = new SqliteConnection(cs);
            first.Open();
            using var cmd = first.CreateCommand();
            cmd.CommandText = "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL;";
            cmd.ExecuteNonQuery();
        }
        return cs;
    });

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex SafeName();
}
