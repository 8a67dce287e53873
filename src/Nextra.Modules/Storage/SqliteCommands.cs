using Microsoft.Data.Sqlite;

namespace Nextra.Modules.Storage;

/// <summary>
/// Tiny ADO.NET helpers for SQLite stores on hot paths (the inbox, traces): raw commands, prepared once per
/// writer connection, no reflection.
/// </summary>
public static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? tx, params (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static int Exec(this SqliteConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = connection.Command(sql, null, args);
        return command.ExecuteNonQuery();
    }

    public static int Exec(this SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object? Value)[] args)
    {
        using var command = connection.Command(sql, tx, args);
        return command.ExecuteNonQuery();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Prepared = new();

    /// <summary>
    /// Executes on a long-lived writer connection, keeping one prepared command per SQL text: re-running a
    /// command only rebinds its parameters, where a new command would re-parse and re-plan the SQL every time.
    /// </summary>
    public static int ExecCached(this SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object? Value)[] args)
    {
        var cache = Prepared.GetOrCreateValue(connection);
        if (!cache.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in args) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            cache[sql] = command;
        }
        command.Transaction = tx;
        for (var i = 0; i < args.Length; i++) command.Parameters[i].Value = args[i].Value ?? DBNull.Value;
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(this SqliteConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = connection.Command(sql, null, args);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public static List<T> Query<T>(this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var command = connection.Command(sql, null, args);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }

    public static string? StringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    public static long? Int64OrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    public static DateTimeOffset ParseIso(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
}
