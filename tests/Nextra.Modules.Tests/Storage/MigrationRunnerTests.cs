using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage;

public sealed class MigrationRunnerTests : IDisposable
{
    private readonly TempDataDir _dir = new();

    private (SqliteMigrationRunner Runner, SqliteConnectionFactory Factory) Create(params MigrationSource[] sources)
    {
        var options = Options.Create(new StorageOptions { DataDir = _dir.Path });
        var factory = new SqliteConnectionFactory(options);
        return (new SqliteMigrationRunner(factory, sources, options, TimeProvider.System, NullLogger<SqliteMigrationRunner>.Instance), factory);
    }

    private static MigrationSource Source(string folder, string database = "nextra") =>
        new("alpha", typeof(MigrationRunnerTests).Assembly, database, folder);

    [Fact]
    public async Task Apply_EmptyDatabase_CreatesTablesAndLedger()
    {
        var (runner, factory) = Create(Source("Alpha"));

        var report = await runner.ApplyAsync();

        Assert.Equal([1], report.Applied.Select(m => m.Version));
        Assert.Empty(report.Backups);
        await using var conn = await factory.OpenAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM things"));
        var rows = (await conn.QueryAsync<LedgerRow>("SELECT module AS Module, version AS Version FROM _migrations")).ToList();
        Assert.Equal([new LedgerRow { Module = "alpha", Version = 1 }], rows);
    }

    [Fact]
    public async Task Apply_Twice_SecondRunIsNoOp()
    {
        var (runner, _) = Create(Source("Alpha"));
        await runner.ApplyAsync();

        var second = await runner.ApplyAsync();

        Assert.Empty(second.Applied);
        Assert.Empty(second.Backups);
    }

    [Fact]
    public async Task Apply_PendingOnExistingDatabase_BacksUpFirst()
    {
        var (first, factory) = Create(Source("Alpha"));
        await first.ApplyAsync();
        await using (var conn = await factory.OpenAsync())
        {
            await conn.ExecuteAsync("INSERT INTO things (id, name) VALUES ('1', 'kept')");
        }
        var (next, _) = Create(Source("AlphaNext"));

        var report = await next.ApplyAsync();

        Assert.Equal([2], report.Applied.Select(m => m.Version));
        var backup = Assert.Single(report.Backups);
        Assert.True(File.Exists(backup));
        await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={backup};Pooling=False");
        await copy.OpenAsync();
        Assert.Equal("kept", await copy.ExecuteScalarAsync<string>("SELECT name FROM things"));
        // The backup is the state before the migration: no color column yet.
        Assert.Equal(0, await copy.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pragma_table_info('things') WHERE name = 'color'"));
    }

    [Fact]
    public async Task Apply_FailingScript_RollsBackAndRecordsNothing()
    {
        var (runner, factory) = Create(Source("Broken"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.ApplyAsync());

        await using var conn = await factory.OpenAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'"));
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM _migrations"));
    }

    [Fact]
    public async Task Apply_SecondDatabase_WritesItsOwnFile()
    {
        var (runner, factory) = Create(Source("Alpha", "traces"));

        await runner.ApplyAsync();

        Assert.True(File.Exists(factory.PathOf("traces")));
        await using var conn = await factory.OpenAsync("traces");
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM things"));
    }

    [Fact]
    public async Task Open_Connection_HasPragmasSet()
    {
        var (_, factory) = Create();

        await using var conn = await factory.OpenAsync();

        Assert.Equal("wal", await conn.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        Assert.Equal(5000, await conn.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
    }

    [Fact]
    public void PathOf_NameWithSlash_Throws()
    {
        var (_, factory) = Create();

        Assert.Throws<ArgumentException>(() => factory.PathOf("../evil"));
    }

    public void Dispose() => _dir.Dispose();

    private sealed record LedgerRow
    {
        public string Module { get; init; } = "";
        public long Version { get; init; }
    }
}
