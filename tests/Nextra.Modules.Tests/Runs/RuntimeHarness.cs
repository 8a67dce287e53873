using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Triggers;
using Nextra.Modules.Triggers.Stores;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Tests.Runs;

/// <summary>
/// The run-time modules composed for real (stores on disk, the real pump and loader), with the
/// flows table in memory and a test handler kind. Reopen with the same directory to simulate a restart.
/// </summary>
internal sealed class RuntimeHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public RuntimeHarness(string dataDir, InMemoryFlowCatalog catalog, Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        Catalog = catalog;
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDir"] = dataDir,
            ["Orchestration:DrainSeconds"] = "1",
            ["Orchestration:StopTimeoutSeconds"] = "5",
        }.Concat(settings ?? [])).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(config);
        if (time is not null) services.AddSingleton(time);
        services.AddStorage(config);
        services.AddObservability(config).AddRuns(config).AddTriggers(config).AddOrchestration(config);
        services.AddSingleton<IFlowCatalog>(catalog);
        services.AddSingleton<IHandlerFactory, TestCodeFactory>();
        _services = services.BuildServiceProvider();
    }

    public InMemoryFlowCatalog Catalog { get; }
    public FlowSupervisor Supervisor => Get<FlowSupervisor>();
    public InboxStore Inbox => Get<InboxStore>();
    public TraceStore Traces => Get<TraceStore>();
    public RunWaiters Waiters => Get<RunWaiters>();
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Starts the orchestration service (boot restore + inbox recovery).</summary>
    public async Task BootAsync()
    {
        var orchestration = _services.GetServices<IHostedService>().OfType<OrchestrationService>().Single();
        await orchestration.StartAsync(CancellationToken.None);
        _booted = orchestration;
    }

    private OrchestrationService? _booted;

    public async Task<FlowStatusView> StartAsync(string flowId) =>
        await Supervisor.StartAsync(Catalog.Flows[flowId], CancellationToken.None);

    /// <summary>Writes an inbox row and dispatches it, as a webhook does.</summary>
    public async Task<InboxItem> SendAsync(string flowId, string json = """{"name":"ada"}""")
    {
        var item = new InboxItem
        {
            Id = RunIds.New(), TenantId = Catalog.Flows[flowId].TenantId, FlowId = flowId, Source = "webhook:hook", PayloadJson = json,
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
        await Inbox.AddAsync(item);
        Supervisor.Enqueue(item);
        return item;
    }

    /// <summary>Waits until the run has a committed trace.</summary>
    public async Task<RunView> WaitRunAsync(string runId, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (Traces.Get(runId) is { } run) return run;
            await Task.Delay(20);
        }
        throw new TimeoutException($"run {runId} has no trace after {seconds}s");
    }

    /// <summary>
    /// True once the run's inbox row is gone. The recorder answers waiters first and removes the row
    /// right after (a waiting webhook should not pay for that write), so a test polls for it.
    /// </summary>
    public async Task<bool> InboxRowRemovedAsync(string runId, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Inbox.Find(runId) is not null)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(20);
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_booted is not null) await _booted.StopAsync(CancellationToken.None);
        else await Supervisor.ShutdownAsync();
        await _services.DisposeAsync();
    }
}
