using System.Data.Common;
using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

/// <summary>
/// The one-time setup tokens of the first-user setup link, by their SHA-256, in the shared database: every instance
/// prints its own link and any of them works on any instance until one is used or it expires. Not tenant-scoped:
/// they exist only while the server has no tenant at all.
/// </summary>
internal interface ISetupTokenStore
{
    /// <summary>Stores a token valid until <paramref name="expiresAt"/> (and drops the expired ones).</summary>
    Task AddAsync(string tokenHash, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Deletes the token when it exists and has not expired at <paramref name="now"/>: true once, on one instance.</summary>
    Task<bool> TryConsumeAsync(string tokenHash, DateTimeOffset now, CancellationToken ct);
}

/// <summary>The SQL of <see cref="ISetupTokenStore"/>, identical on both providers (times are ISO-8601 UTC text on both).</summary>
internal abstract class SetupTokenStoreBase : ISetupTokenStore
{
    /// <summary>An open connection of the provider.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public async Task AddAsync(string tokenHash, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync("DELETE FROM setup_tokens WHERE expires_at <= @now", new { now = SqliteCommands.Iso(createdAt) });
        await conn.ExecuteAsync("INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (@tokenHash, @createdAt, @expiresAt)",
            new { tokenHash, createdAt = SqliteCommands.Iso(createdAt), expiresAt = SqliteCommands.Iso(expiresAt) });
    }

    public async Task<bool> TryConsumeAsync(string tokenHash, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        // ISO-8601 UTC strings of one format compare correctly as text; the DELETE is atomic, so two instances racing
        // for one token see one row deleted between them.
        return await conn.ExecuteAsync("DELETE FROM setup_tokens WHERE token_hash = @tokenHash AND expires_at > @now",
            new { tokenHash, now = SqliteCommands.Iso(now) }) == 1;
    }
}

internal sealed class SqliteSetupTokenStore(ISqliteConnectionFactory db) : SetupTokenStoreBase
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct: ct);
}

/// <summary><see cref="ISetupTokenStore"/> on Postgres (hosted mode); the same SQL as SQLite.</summary>
internal sealed class PostgresSetupTokenStore(IPostgresConnectionFactory db) : SetupTokenStoreBase
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await db.OpenAsync(ct);
}
