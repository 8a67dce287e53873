using Microsoft.Extensions.Logging;
using Npgsql;

namespace Nextra.Modules.Storage;

/// <summary>
/// Applies every module's Postgres migrations (<c>Migrations/Postgres/NNNN_*.sql</c>) in dependency order, one
/// transaction each, recorded in <c>_migrations</c>. The whole pass holds a session advisory lock, so N instances
/// starting together migrate once and the others wait, then find nothing to do. No file backup is made: back up a
/// Postgres database with <c>pg_dump</c> or the provider's snapshots.
/// </summary>
internal sealed class PostgresMigrationRunner(
    IPostgresConnectionFactory factory,
    IEnumerable<MigrationSource> sources,
    TimeProvider time,
    ILogger<PostgresMigrationRunner> logger) : IMigrationRunner
{
    /// <summary>Advisory lock key of the migration pass ("nextra" in ASCII).</summary>
    internal const long LockKey = 0x6E6578747261;

    public async Task<MigrationReport> ApplyAsync(CancellationToken ct = default)
    {
        var applied = new List<Migration>();
        await using var conn = await factory.OpenAsync(ct).ConfigureAwait(false);
        await ExecAsync(conn, null, $"SELECT pg_advisory_lock({LockKey})", ct).ConfigureAwait(false);
        try
        {
            await ExecAsync(conn, null, """
                CREATE TABLE IF NOT EXISTS _migrations (
                    module     TEXT        NOT NULL,
                    version    INTEGER     NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (module, version)
                )
                """, ct).ConfigureAwait(false);
            var done = new HashSet<(string, int)>();
            await using (var cmd = new NpgsqlCommand("SELECT module, version FROM _migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false)) done.Add((reader.GetString(0), reader.GetInt32(1)));
            }
            foreach (var source in MigrationSource.Ordered(sources))
            {
                var migrations = source.Load(StorageProviders.Postgres);
                if (migrations.Count == 0 && source.Load(StorageProviders.Sqlite).Count > 0)
                {
                    throw new InvalidOperationException(
                        $"Module '{source.Module}' has no Postgres migrations yet, so storage.provider = \"postgres\" cannot be used with it.");
                }
                foreach (var migration in migrations.Where(m => !done.Contains((m.Module, m.Version))))
                {
                    await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
                    try
                    {
                        await ExecAsync(conn, tx, migration.Sql, ct).ConfigureAwait(false);
                        await using var record = new NpgsqlCommand("INSERT INTO _migrations (module, version, applied_at) VALUES (@m, @v, @at)", conn, tx);
                        record.Parameters.AddWithValue("m", migration.Module);
                        record.Parameters.AddWithValue("v", migration.Version);
                        record.Parameters.AddWithValue("at", time.GetUtcNow());
                        await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                        await tx.CommitAsync(ct).ConfigureAwait(false);
                    }
                    catch (PostgresException ex)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Module}/{migration.Name} failed and was rolled back: {ex.MessageText}", ex);
                    }
                    applied.Add(migration);
                    logger.LogInformation("Applied migration {Module} {Version} {Name} to Postgres", migration.Module, migration.Version, migration.Name);
                }
            }
        }
        finally
        {
            await ExecAsync(conn, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
        }
        return new MigrationReport(applied, []);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
