using System.Text;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Memory;
using Nextra.Modules.Memory.Stores;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Tests.Memory;

public sealed class ProjectMemoryServiceTests : IAsyncLifetime
{
    private ControlPlaneDb _db = null!;
    private ProjectMemoryService _memory = null!;

    /// <summary>Flows as the catalog sees them: a real SQLite lookup would be the Flows module's; here ownership is what matters.</summary>
    private sealed class Catalog(ControlPlaneDb db) : IFlowCatalog
    {
        public async Task<FlowSnapshot?> GetAsync(string tenantId, string flowId, CancellationToken ct)
        {
            await using var conn = await db.Factory.OpenAsync(ct: ct);
            var yaml = await Dapper.SqlMapper.ExecuteScalarAsync<string?>(conn, "SELECT organism_yaml FROM flows WHERE tenant_id = @tenantId AND id = @flowId", new { tenantId, flowId });
            return yaml is null ? null : new FlowSnapshot(flowId, tenantId, flowId, yaml, 1, "stopped");
        }

        public Task<bool> SetStatusAsync(string tenantId, string flowId, string status, CancellationToken ct) => Task.FromResult(false);
        public Task<IReadOnlyList<FlowSnapshot>> ListByStatusAsync(string status, CancellationToken ct) => Task.FromResult<IReadOnlyList<FlowSnapshot>>([]);
        public Task<FlowSnapshot?> FindForWebhookAsync(string flowId, CancellationToken ct) => Task.FromResult<FlowSnapshot?>(null);
    }

    public async Task InitializeAsync()
    {
        _db = await ControlPlaneDb.CreateAsync("memory");
        await _db.AddTenantAsync("t1");
        await _db.AddTenantAsync("t2");
        await _db.AddFlowAsync("t1", "flowA", OptedIn);
        await _db.AddFlowAsync("t1", "flowB");
        await _db.AddFlowAsync("t2", "flowC", OptedIn);
        _memory = new ProjectMemoryService(new SqliteProjectMemoryStore(_db.Factory), new Catalog(_db),
            Options.Create(new MemoryOptions { MaxBytesPerFlow = 100 }), TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private const string OptedIn = "organism: {name: f}\nproject_memory: true\n";

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Api_PutOnAFlowThatDidNotOptIn_403ProjectMemoryOffAndNothingWritten()
    {
        var ex = await Assert.ThrowsAsync<ApiException>(() => _memory.PutAsync("t1", "flowB", "k", B("v"), default));
        Assert.Equal((403, ProjectMemoryService.OffCode), (ex.Status, ex.Code));
        Assert.Contains("project_memory: true", ex.Detail);
        Assert.Empty((await _memory.UsageAsync("t1", "flowB", default)).Keys);
        await _memory.PutAsync("t1", "flowA", "k", B("v"), default); // the opted-in flow of the same tenant writes
        Assert.Single((await _memory.UsageAsync("t1", "flowA", default)).Keys);
    }

    [Theory]
    [InlineData("organism: {name: f}\nproject_memory: true\n", true)]
    [InlineData("organism: {name: f}\nproject_memory: yes\n", false)]
    [InlineData("organism: {name: f}\nproject_memory: false\n", false)]
    [InlineData("organism: {name: f}\nlisteners:\n  - {name: a, project_memory: true}\n", false)]
    [InlineData("organism: [unclosed", false)]
    public void OptsIntoProjectMemory_OnlyTheTopLevelTrue(string yaml, bool expected) =>
        Assert.Equal(expected, Nextra.Pump.Config.FlowLoader.OptsIntoProjectMemory(yaml));

    [Fact]
    public async Task FlowMemory_SetGetDelete_RoundTrips()
    {
        var mem = _memory.For("t1", "flowA");
        await mem.SetAsync("k", B("v1"), default);
        await mem.SetAsync("k", B("v2"), default);
        Assert.Equal("v2", Encoding.UTF8.GetString((await mem.GetAsync("k", default))!));
        Assert.True(await mem.DeleteAsync("k", default));
        Assert.Null(await mem.GetAsync("k", default));
        Assert.False(await mem.DeleteAsync("k", default));
    }

    [Fact]
    public async Task FlowMemory_OtherFlowSameTenant_CannotRead()
    {
        await _memory.For("t1", "flowA").SetAsync("secret", B("a"), default);
        Assert.Null(await _memory.For("t1", "flowB").GetAsync("secret", default));
        Assert.False(await _memory.For("t1", "flowB").DeleteAsync("secret", default));
        await Assert.ThrowsAsync<ApiException>(() => _memory.GetAsync("t1", "flowB", "secret", default));
        Assert.Equal("a", Encoding.UTF8.GetString(await _memory.GetAsync("t1", "flowA", "secret", default)));
    }

    [Fact]
    public async Task Api_ForeignTenantFlow_NotFound()
    {
        await _memory.For("t1", "flowA").SetAsync("k", B("a"), default);
        var ex = await Assert.ThrowsAsync<ApiException>(() => _memory.UsageAsync("t2", "flowA", default));
        Assert.Equal(404, ex.Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiException>(() => _memory.PutAsync("t2", "flowA", "k", B("x"), default))).Status);
        Assert.Null(await _memory.For("t2", "flowA").GetAsync("k", default));
    }

    [Fact]
    public async Task Quota_PastCap_RefusedWithCodes()
    {
        var mem = _memory.For("t1", "flowA");
        await mem.SetAsync("a", new byte[60], default);
        var ex = await Assert.ThrowsAsync<HandlerException>(() => mem.SetAsync("b", new byte[50], default).AsTask());
        Assert.Equal("memory_quota", ex.Code);
        // Replacing a key counts only the new size.
        await mem.SetAsync("a", new byte[100], default);
        Assert.Equal(413, (await Assert.ThrowsAsync<ApiException>(() => _memory.PutAsync("t1", "flowA", "c", new byte[1], default))).Status);
    }

    [Fact]
    public async Task Usage_ListsKeysAndSizes()
    {
        await _memory.PutAsync("t1", "flowA", "x", B("123"), default);
        await _memory.PutAsync("t1", "flowA", "y", B("12345"), default);
        var usage = await _memory.UsageAsync("t1", "flowA", default);
        Assert.Equal(8, usage.UsedBytes);
        Assert.Equal(100, usage.MaxBytes);
        Assert.Equal([new MemoryKeyInfo("x", 3), new MemoryKeyInfo("y", 5)], usage.Keys);
    }

    [Fact]
    public async Task FlowDeleted_MemoryCleared()
    {
        await _memory.For("t1", "flowA").SetAsync("k", B("a"), default);
        await _db.DeleteFlowAsync("flowA");
        await _db.AddFlowAsync("t1", "flowA");
        Assert.Null(await _memory.For("t1", "flowA").GetAsync("k", default));
    }
}
