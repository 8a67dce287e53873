using System.Collections.Concurrent;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Default services of a flow in the server until the Secrets/Memory/egress modules replace this
/// registration: no secrets (never the server's environment: tenants must not read it), project
/// memory in process (kept per flow across sleep and wake), a plain HttpClient, a token budget per pump.
/// </summary>
/// <remarks>
/// When the Secrets module is registered, flows read their tenant's secrets through it; when the Engine
/// module is, outbound HTTP goes through its SSRF-guarded egress client.
/// </remarks>
internal sealed class ServerFlowServicesFactory(TimeProvider time, Secrets.ISecretResolverFactory? secrets = null,
    Engine.EngineKinds? engine = null) : IFlowServicesFactory
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(100) };
    private readonly ConcurrentDictionary<string, InMemoryProjectMemory> _memory = new();

    public IFlowServices Create(string tenantId, string flowId, FlowDefinition flow, IRunEventSink events) => new Services
    {
        Secrets = secrets?.For(tenantId) ?? NoSecrets.Instance,
        Memory = flow.ProjectMemory ? _memory.GetOrAdd(flowId, _ => new InMemoryProjectMemory()) : null,
        Events = events,
        Egress = engine?.Egress ?? Http,
        Time = time,
        Budget = new TokenBudgetRegistry(flow.MaxTokensPerThread),
    };

    private sealed class Services : IFlowServices
    {
        public required ISecretResolver Secrets { get; init; }
        public IProjectMemory? Memory { get; init; }
        public required IRunEventSink Events { get; init; }
        public required HttpClient Egress { get; init; }
        public required TimeProvider Time { get; init; }
        public required ITokenBudget Budget { get; init; }
    }

    private sealed class NoSecrets : ISecretResolver
    {
        public static NoSecrets Instance { get; } = new();
        public ValueTask<string?> GetAsync(string name, CancellationToken ct) => new((string?)null);
    }
}
