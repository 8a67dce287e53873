using Nextra.Host.Tests.Process;

namespace Nextra.Host.Tests.Tiers;

/// <summary>The real executable: nextra tenant set-tier / list, user create --tier, and a bad [tiers] config at start.</summary>
public sealed class TenantCliTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("nextra-tenant-cli-").FullName;

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => NextraProcess.RunAsync([.. args, "--data-dir", _dataDir]);

    [Fact]
    public async Task SetTierListAndUserCreate_WorkAndEnforceMembers()
    {
        var created = await RunAsync("user", "create", "--email", "a@example.test", "--password", "tenant-cli-pw", "--tenant", "Acme", "--tier", "free");
        Assert.True(created.Code == 0, created.Stderr + created.Stdout);
        await RunAsync("user", "create", "--email", "b@example.test", "--password", "tenant-cli-pw", "--tenant", "Other");

        var list = await RunAsync("tenant", "list");
        Assert.True(list.Code == 0, list.Stderr);
        var acme = list.Stdout.Split('\n').Single(l => l.StartsWith("Acme", StringComparison.Ordinal));
        Assert.Matches(@"^Acme\s+free\s+1\s+0\s+\S+", acme);
        Assert.Matches(@"(?m)^Other\s+enterprise\s+1\s+0\s+", list.Stdout);

        var second = await RunAsync("user", "create", "--email", "c@example.test", "--password", "tenant-cli-pw", "--tenant", "Acme");
        Assert.Equal(1, second.Code);
        Assert.Contains("The free tier allows 1 team member", second.Stderr);

        var set = await RunAsync("tenant", "set-tier", "--tenant", "Acme", "--tier", "enterprise");
        Assert.True(set.Code == 0, set.Stderr);
        Assert.Contains("is now on tier enterprise", set.Stdout);
        Assert.Equal("tenant.tier|cli|tier=enterprise", await LastAuditAsync());
        var third = await RunAsync("user", "create", "--email", "c@example.test", "--password", "tenant-cli-pw", "--tenant", "Acme");
        Assert.True(third.Code == 0, third.Stderr);

        var bad = await RunAsync("tenant", "set-tier", "--tenant", "Acme", "--tier", "gold");
        Assert.Equal(1, bad.Code);
        Assert.Contains("Unknown tier 'gold'", bad.Stderr);
        var missing = await RunAsync("tenant", "set-tier", "--tenant", "Nobody", "--tier", "pro");
        Assert.Equal(1, missing.Code);
        Assert.Contains("Tenant 'Nobody' was not found", missing.Stderr);
    }

    /// <summary>The newest audit entry of the data dir (action|via|detail).</summary>
    private async Task<string?> LastAuditAsync()
    {
        await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dataDir, "nextra.db")};Mode=ReadOnly;Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT action || '|' || via || '|' || detail FROM audit_log ORDER BY id DESC LIMIT 1";
        return (string?)await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Serve_UnknownDefaultTier_ExitsWithTheKeyNamed()
    {
        var info = NextraProcess.StartInfo("serve", "--data-dir", _dataDir, "--urls", $"http://127.0.0.1:{NextraProcess.FreePort()}");
        info.Environment["NEXTRA_TIERS__DEFAULT_TIER"] = "gold";
        using var server = System.Diagnostics.Process.Start(info)!;
        var stderr = server.StandardError.ReadToEndAsync();
        var stdout = server.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await server.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!server.HasExited) server.Kill();
        }
        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains("Tiers:DefaultTier is 'gold', which is not a tier", await stderr + await stdout);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
