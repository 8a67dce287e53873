using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Memory;

/// <summary>A migrated control-plane database in a temp dir, with helpers to add tenants and flows.</summary>
internal sealed class ControlPlaneDb : IDisposable
{
    private readonly TempDataDir _dir = new();

    private ControlPlaneDb(SqliteConnectionFactory factory) => Factory = factory;

    public SqliteConnectionFactory Factory { get; }

    public static async Task<ControlPlaneDb> CreateAsync(params string[] extraModules)
    {
        var db = new ControlPlaneDb(null!);
        var options = Options.Create(new StorageOptions { DataDir = db._dir.Path });
        var factory = new SqliteConnectionFactory(options);
        var asm = typeof(AccountsModule).Assembly;
        var sources = new[] { "accounts", "flows" }.Concat(extraModules)
            .Select(m => new MigrationSource(m, asm, Databases.ControlPlane, m)).ToArray();
        await new SqliteMigrationRunner(factory, sources, options, TimeProvider.System, NullLogger<SqliteMigrationRunner>.Instance).ApplyAsync();
        return new ControlPlaneDb(factory) { Owner = db };
    }

    private ControlPlaneDb? Owner { get; init; }

    public async Task AddTenantAsync(string id)
    {
        await using var conn = await Factory.OpenAsync();
        await conn.ExecuteAsync("INSERT INTO tenants (id, name, created_at) VALUES (@id, @id, '2026-01-01T00:00:00Z')", new { id });
    }

    public async Task AddFlowAsync(string tenantId, string id, string yaml = "organism: {name: f}")
    {
        await using var conn = await Factory.OpenAsync();
        await conn.ExecuteAsync("""
            INSERT INTO flows (id, tenant_id, name, organism_yaml, version, created_at, updated_at)
            VALUES (@id, @tenantId, @id, @yaml, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
            """, new { id, tenantId, yaml });
    }

    public async Task DeleteFlowAsync(string id)
    {
        await using var conn = await Factory.OpenAsync();
        await conn.ExecuteAsync("DELETE FROM flows WHERE id = @id", new { id });
    }

    public void Dispose() => (Owner?._dir ?? _dir).Dispose();
}
