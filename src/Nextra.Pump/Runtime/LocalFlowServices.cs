using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;

namespace Nextra.Pump.Runtime;

/// <summary>
/// Services for headless use (<c>nextra run</c>, tests): secrets from <c>NEXTRA_SECRET_&lt;NAME&gt;</c> environment
/// variables, in-memory project memory (when the flow opts in), no-op live events, a plain HttpClient
/// (the host swaps in the guarded egress client), the system clock and a token budget registry.
/// </summary>
public sealed class LocalFlowServices : IFlowServices, IFlowServicesProvider
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(100) });

    public LocalFlowServices(FlowDefinition? flow = null, HttpClient? egress = null, TimeProvider? time = null, IRunEventSink? events = null)
    {
        _budget = new TokenBudgetRegistry(flow?.MaxTokensPerThread ?? 100_000);
        Memory = flow is null || flow.ProjectMemory ? new InMemoryProjectMemory() : null;
        Egress = egress ?? SharedHttp.Value;
        Time = time ?? TimeProvider.System;
        Events = events ?? NullRunEventSink.Instance;
    }

    public ISecretResolver Secrets { get; } = new EnvironmentSecretResolver();
    public IProjectMemory? Memory { get; }
    public IRunEventSink Events { get; }
    public HttpClient Egress { get; }
    public TimeProvider Time { get; }
    public ITokenBudget Budget => _budget;
    private readonly TokenBudgetRegistry _budget;

    /// <summary>As a provider it hands out itself, with the budget default taken from the flow.</summary>
    public IFlowServices For(FlowDefinition flow)
    {
        _budget.DefaultMaxTokens = flow.MaxTokensPerThread;
        return this;
    }
}

/// <summary>Secrets from environment variables <c>NEXTRA_SECRET_&lt;NAME&gt;</c> (name upper-cased, '-' and '.' as '_').</summary>
public sealed class EnvironmentSecretResolver : ISecretResolver
{
    public ValueTask<string?> GetAsync(string name, CancellationToken ct) =>
        new(Environment.GetEnvironmentVariable(VariableFor(name)));

    public static string VariableFor(string name) =>
        "NEXTRA_SECRET_" + name.ToUpperInvariant().Replace('-', '_').Replace('.', '_');
}

/// <summary>Drops live events (nothing listens in headless mode).</summary>
public sealed class NullRunEventSink : IRunEventSink
{
    public static NullRunEventSink Instance { get; } = new();

    public void Token(string runId, int stepIndex, string listener, string text)
    {
    }

    public void Log(string runId, int stepIndex, string listener, string level, string message)
    {
    }
}
