using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nextra.Modules.Flows;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Triggers;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Tests.Runs;

/// <summary>
/// The run-time modules composed for real (stores on disk, the real pump and loader), with the flows table in
/// memory and a test handler kind. Reopen with the same directory to simulate a restart.
/// </summary>
internal sealed class RuntimeHarness : IAsyncDisposable
{
    public const string Tenant = "t1";
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];

    private RuntimeHarness(ServiceProvider services, InMemoryFlowCatalog catalog)
    {
        _services = services;
        Catalog = catalog;
    }

    /// <summary>Composes the modules and applies migrations; with <paramref name="boot"/> also takes ownership of every partition.</summary>
    public static async Task<RuntimeHarness> CreateAsync(string dataDir, InMemoryFlowCatalog catalog, Dictionary<string, string?>? settings = null,
        TimeProvider? time = null, Action<IServiceCollection>? configure = null, bool boot = true)
    {
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
        services.AddSingleton<IFlowServicesFactory, LocalServicesFactory>();
        configure?.Invoke(services);
        var harness = new RuntimeHarness(services.BuildServiceProvider(), catalog);
        await harness.Get<IMigrationRunner>().ApplyAsync();
        if (boot) await harness.BootAsync();
        return harness;
    }

    public InMemoryFlowCatalog Catalog { get; }
    public FlowSupervisor Supervisor => Get<FlowSupervisor>();
    public IInboxStore Inbox => Get<IInboxStore>();
    public ITraceStore Traces => Get<ITraceStore>();
    public IFlowOwnership Ownership => Get<IFlowOwnership>();
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Starts the orchestration (ownership of every partition: running flows restart, pending runs recover) and the inbox dispatcher.</summary>
    public async Task BootAsync()
    {
        foreach (var service in _services.GetServices<IHostedService>().Where(s => s is OrchestrationService or InboxDispatcher))
        {
            await service.StartAsync(CancellationToken.None);
            _started.Add(service);
        }
    }

    public async Task<FlowStatusView> StartAsync(string flowId) =>
        await Supervisor.StartAsync(Catalog.Flows[flowId], CancellationToken.None);

    /// <summary>A webhook request for the flow (not written anywhere yet).</summary>
    public RunRequest Request(string flowId, string json = """{"name":"ada"}""") => new()
    {
        Id = RunIds.New(), TenantId = Catalog.Flows[flowId].TenantId, FlowId = flowId, Source = RunSource.ForWebhook("hook"), PayloadJson = json,
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>Writes an inbox row and dispatches it, as a webhook does.</summary>
    public async Task<RunRequest> SendAsync(string flowId, string json = """{"name":"ada"}""")
    {
        var request = Request(flowId, json);
        Assert.True(Ownership.TryGetLease(flowId, out var fence));
        await Inbox.AppendAsync(request, fence.Partition, fence);
        Supervisor.Enqueue(request, fence);
        return request;
    }

    /// <summary>Writes an inbox row nobody has claimed, as an instance that does not run the flow (or a crash before dispatch) leaves it.</summary>
    public Task AppendUnclaimedAsync(RunRequest request) => Inbox.AppendAsync(request, Ownership.PartitionOf(request.FlowId), claim: null);

    public Task<RunView?> TraceAsync(string runId) => Traces.GetAsync(Tenant, runId);

    /// <summary>Waits until the run has a committed trace.</summary>
    public async Task<RunView> WaitRunAsync(string runId, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await Traces.GetAsync(Tenant, runId) is { } run) return run;
            await Task.Delay(20);
        }
        throw new TimeoutException($"run {runId} has no trace after {seconds}s");
    }

    /// <summary>Waits until the run executes here.</summary>
    public async Task<bool> WaitActiveAsync(string runId, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (await ((ILiveRunSource)Supervisor).FindAsync(Tenant, runId, default) is null)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>
    /// True once the run's inbox row is gone. The recorder answers waiters first and removes the row right after
    /// (a waiting webhook should not pay for that write), so a test polls for it.
    /// </summary>
    public async Task<bool> InboxRowRemovedAsync(string runId, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (await Inbox.FindAsync(Tenant, runId) is not null)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(20);
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started.Count > 0)
        {
            foreach (var service in Enumerable.Reverse(_started)) await service.StopAsync(CancellationToken.None);
        }
        else
        {
            await Supervisor.ShutdownAsync();
        }
        await _services.DisposeAsync();
    }

    /// <summary>Headless services for each flow (no secrets, in-memory memory).</summary>
    private sealed class LocalServicesFactory(TimeProvider time) : IFlowServicesFactory
    {
        public IFlowServices Create(string tenantId, string flowId, FlowDefinition flow, IRunEventSink events) =>
            new LocalFlowServices(flow, time: time, events: events);
    }
}
