using Microsoft.Data.Sqlite;

namespace Nextra.Modules.Runs.Storage;

/// <summary>
/// One SQLite database file of the run-time modules (inbox, traces): its connection string and
/// the pragmas every connection gets. WAL with synchronous=NORMAL: a commit survives a killed
/// process (the WAL is in the OS cache); only an OS crash can lose the last commits.
/// </summary>
public sealed class SqliteFile
{
    public SqliteFile(string path, bool incrementalVacuum = false)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        // auto_vacuum only takes effect before the first table exists, so it goes first.
        if (incrementalVacuum) Execute(connection, "PRAGMA auto_vacuum=INCREMENTAL;");
        Execute(connection, "PRAGMA journal_mode=WAL;");
    }

    public string Path { get; }
    public string ConnectionString { get; }

    /// <summary>Opens a connection with the per-connection pragmas applied (busy_timeout first).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        return connection;
    }

    /// <summary>Applies this module's embedded migrations (resources ending <c>.Migrations.NNNN_*.sql</c> under <paramref name="prefix"/>) once each.</summary>
    public void Migrate(string module, string prefix)
    {
        using var connection = Open();
        Execute(connection, "CREATE TABLE IF NOT EXISTS _migrations(module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY(module, version));");
        var assembly = typeof(SqliteFile).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: int.Parse(n[prefix.Length..].Split('_')[0].TrimStart('.'))))
            .OrderBy(s => s.Version);
        foreach (var (name, version) in scripts)
        {
            using var check = connection.CreateCommand();
            check.CommandText = "SELECT COUNT(*) FROM _migrations WHERE module=$m AND version=$v";
            check.Parameters.AddWithValue("$m", module);
            check.Parameters.AddWithValue("$v", version);
            if ((long)check.ExecuteScalar()! > 0) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            var sql = new StreamReader(stream).ReadToEnd();
            using var tx = connection.BeginTransaction();
            Execute(connection, sql, tx);
            using var record = connection.CreateCommand();
            record.Transaction = tx;
            record.CommandText = "INSERT INTO _migrations(module, version, applied_at) VALUES($m, $v, $at)";
            record.Parameters.AddWithValue("$m", module);
            record.Parameters.AddWithValue("$v", version);
            record.Parameters.AddWithValue("$at", Sql.Iso(TimeProvider.System.GetUtcNow()));
            record.ExecuteNonQuery();
            tx.Commit();
        }
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
