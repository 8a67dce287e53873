using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Storage;

internal sealed class SqliteMigrationRunner(
    ISqliteConnectionFactory factory,
    IEnumerable<MigrationSource> sources,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<SqliteMigrationRunner> logger) : IMigrationRunner
{
    public async Task<MigrationReport> ApplyAsync(CancellationToken ct = default)
    {
        var applied = new List<Migration>();
        var backups = new List<string>();
        foreach (var group in MigrationSource.Ordered(sources).GroupBy(s => s.Database))
        {
            await using var conn = await factory.OpenAsync(group.Key, ct);
            await EnsureLedgerAsync(conn, ct);
            var done = await ReadAppliedAsync(conn, ct);
            var pending = group.SelectMany(s => s.Load()).Where(m => !done.Contains((m.Module, m.Version))).ToList();
            if (pending.Count == 0)
            {
                continue;
            }
            if (done.Count > 0 && options.Value.BackupBeforeMigrate)
            {
                backups.Add(await BackupAsync(conn, group.Key, ct));
            }
            foreach (var migration in pending)
            {
                if (await ApplyOneAsync(conn, migration, ct))
                {
                    applied.Add(migration);
                    logger.LogInformation("Applied migration {Module} {Version} {Name} to {Database}",
                        migration.Module, migration.Version, migration.Name, group.Key);
                }
            }
        }
        return new MigrationReport(applied, backups);
    }

    private static async Task EnsureLedgerAsync(SqliteConnection conn, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS _migrations (
                module     TEXT    NOT NULL,
                version    INTEGER NOT NULL,
                applied_at TEXT    NOT NULL,
                PRIMARY KEY (module, version)
            );
            """;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<HashSet<(string, int)>> ReadAppliedAsync(SqliteConnection conn, CancellationToken ct)
    {
        var set = new HashSet<(string, int)>();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT module, version FROM _migrations";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            set.Add((reader.GetString(0), reader.GetInt32(1)));
        }
        return set;
    }

    /// <summary>One transaction per migration; re-checks the ledger inside it because another process may have won the race.</summary>
    private async Task<bool> ApplyOneAsync(SqliteConnection conn, Migration migration, CancellationToken ct)
    {
        // Microsoft.Data.Sqlite begins IMMEDIATE (write lock up front) unless deferred is asked for.
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(ct);
        await using (var check = conn.CreateCommand())
        {
            check.Transaction = tx;
            check.CommandText = "SELECT COUNT(*) FROM _migrations WHERE module = @m AND version = @v";
            check.Parameters.AddWithValue("@m", migration.Module);
            check.Parameters.AddWithValue("@v", migration.Version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
        }
        try
        {
            await using (var run = conn.CreateCommand())
            {
                run.Transaction = tx;
                run.CommandText = migration.Sql;
                await run.ExecuteNonQueryAsync(ct);
            }
            await using (var record = conn.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO _migrations (module, version, applied_at) VALUES (@m, @v, @at)";
                record.Parameters.AddWithValue("@m", migration.Module);
                record.Parameters.AddWithValue("@v", migration.Version);
                record.Parameters.AddWithValue("@at", time.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return true;
        }
        catch (SqliteException ex)
        {
            throw new InvalidOperationException(
                $"Migration {migration.Module}/{migration.Name} failed and was rolled back: {ex.Message}", ex);
        }
    }

    /// <summary>Online backup through SQLite's backup API, so a WAL database is copied consistently.</summary>
    private async Task<string> BackupAsync(SqliteConnection conn, string database, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetDirectoryName(factory.PathOf(database))!, "backups");
        Directory.CreateDirectory(dir);
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var path = Path.Combine(dir, $"{database}-{stamp}.db");
        await using (var dest = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await dest.OpenAsync(ct);
            conn.BackupDatabase(dest);
        }
        logger.LogInformation("Backed up {Database} to {Path} before migrating", database, path);
        return path;
    }
}
