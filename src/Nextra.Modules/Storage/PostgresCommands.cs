using Npgsql;

namespace Nextra.Modules.Storage;

/// <summary>
/// Tiny ADO.NET helpers for the Postgres stores (hosted mode): raw commands with named parameters (<c>@name</c>),
/// no reflection, so the Native AOT build stays clean. Times are stored as the same ISO-8601 UTC text as on SQLite
/// (<see cref="SqliteCommands.Iso"/>), so both providers order and compare them identically.
/// </summary>
public static class PostgresCommands
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? tx, params (string Name, object? Value)[] args)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static async Task<int> ExecAsync(this NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] args)
    {
        await using var command = connection.Command(sql, tx, args);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params (string Name, object? Value)[] args)
    {
        await using var command = connection.Command(sql, tx, args);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public static async Task<List<T>> QueryAsync<T>(this NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, Func<NpgsqlDataReader, T> map,
        CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = connection.Command(sql, tx, args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(map(reader));
        return rows;
    }

    /// <summary>
    /// Serialises read-check-write sections (quotas, next versions) on one key until the transaction ends: the
    /// Postgres twin of SQLite's <c>BEGIN IMMEDIATE</c>, scoped to what is being counted instead of the whole database.
    /// </summary>
    public static Task LockAsync(this NpgsqlConnection connection, NpgsqlTransaction tx, string key, CancellationToken ct) =>
        connection.ExecAsync(tx, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", ct, ("key", key));

    public static bool IsUniqueViolation(this PostgresException ex) => ex.SqlState == PostgresErrorCodes.UniqueViolation;

    public static string? StringOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? Int64OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
