using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;
using Nextra.Pump.Net;

namespace Nextra.Pump.Tests.Llm;

/// <summary>Secrets from a dictionary.</summary>
public sealed class DictionarySecrets(Dictionary<string, string> values) : ISecretResolver
{
    public ValueTask<string?> GetAsync(string name, CancellationToken ct) => ValueTask.FromResult(values.TryGetValue(name, out var v) ? v : null);
}

/// <summary>Records live events.</summary>
public sealed class RecordingEvents : IRunEventSink
{
    public ConcurrentQueue<string> Tokens { get; } = new();
    public ConcurrentQueue<(string Level, string Message)> Logs { get; } = new();
    public void Token(string runId, int stepIndex, string listener, string text) => Tokens.Enqueue(text);
    public void Log(string runId, int stepIndex, string listener, string level, string message) => Logs.Enqueue((level, message));
}

/// <summary>Per-thread budget with the library's rules (§4.6): exhausted at max, estimate must fit, thresholds fire once.</summary>
public sealed class TestBudget(int max) : ITokenBudget
{
    private readonly ConcurrentDictionary<string, (int Used, HashSet<int> Fired)> _threads = new();

    public void Check(string threadId, int estimatedTokens)
    {
        var used = _threads.GetOrAdd(threadId, _ => (0, [])).Used;
        if (used >= max || used + estimatedTokens > max)
            throw new HandlerException("budget_exhausted", $"thread {threadId} used {used} of {max} tokens; {estimatedTokens} more do not fit");
    }

    public bool Cleanup(string threadId) => _threads.TryRemove(threadId, out _);

    public IReadOnlyList<int> Consume(string threadId, int tokens)
    {
        var (used, fired) = _threads.GetOrAdd(threadId, _ => (0, []));
        used += Math.Max(0, tokens);
        _threads[threadId] = (used, fired);
        var crossed = new List<int>();
        foreach (var t in new[] { 75, 90, 95 })
        {
            if (used * 100 >= t * max && fired.Add(t))
                crossed.Add(t);
        }
        return crossed;
    }

    public int Remaining(string threadId) => Math.Max(0, max - _threads.GetOrAdd(threadId, _ => (0, [])).Used);
}

public sealed class TestServices : IFlowServices
{
    public TestServices(int budget = 100_000, Dictionary<string, string>? secrets = null, EgressOptions? egress = null)
    {
        EgressOptions = egress ?? new EgressOptions { AllowList = ["127.0.0.1"] };
        Egress = EgressHttp.CreateClient(EgressOptions);
        Budget = new TestBudget(budget);
        Secrets = new DictionarySecrets(secrets ?? []);
    }

    public EgressOptions EgressOptions { get; }
    public ISecretResolver Secrets { get; }
    public IProjectMemory? Memory => null;
    public RecordingEvents Recorder { get; } = new();
    public IRunEventSink Events => Recorder;
    public HttpClient Egress { get; }
    public TimeProvider Time => TimeProvider.System;
    public ITokenBudget Budget { get; }
}

/// <summary>Builds flows and handler contexts for unit tests.</summary>
public static class TestFlows
{
    public static PayloadClassDefinition Class(string name, params (string Name, string Type)[] fields) =>
        new() { Name = name, Fields = fields.Select(f => new PayloadFieldDefinition { Name = f.Name, Type = f.Type }).ToList() };

    public static readonly PayloadClassDefinition[] Standard =
    [
        .. BuiltInPayloads.All,
        Class("Question", ("Text", "string")), Class("Research", ("Topic", "string")), Class("Draft", ("Text", "string")),
        Class("Thought", ("Text", "string")), Class("Lookup", ("City", "string"), ("Days", "int")),
        Class("Weather", ("City", "string"), ("TempC", "int")),
    ];

    public static ListenerDefinition Listener(string name, string cls, string handler = "llm", string[]? peers = null, JsonObject? config = null,
        string? prompt = null) => new()
    {
        Name = name, Description = $"the {name} listener", PayloadClass = cls, Handler = handler, Agent = handler == "llm",
        Peers = peers ?? [], Config = config, Prompt = prompt,
    };

    public static FlowDefinition Flow(LlmSection? llm, params ListenerDefinition[] listeners) => new()
    {
        Name = "test",
        Llm = llm,
        Payloads = Standard.ToDictionary(p => p.Name),
        Triggers = [],
        PeerTables = [],
        Listeners = listeners,
    };

    public static LlmSection Section(string strategy = "failover", int retries = 3, params LlmBackendDefinition[] backends) =>
        new() { Strategy = strategy, Retries = retries, RetryBaseDelaySeconds = 0.01, Backends = backends };

    public static LlmBackendDefinition Backend(Uri server, string provider = "openai", string? name = null, int priority = 1, double timeout = 10,
        string? path = "v1") => new()
    {
        Provider = provider, Name = name ?? provider, BaseUrl = new Uri(server, path ?? "").ToString(), ApiKey = "sk-test", Priority = priority,
        TimeoutSeconds = timeout,
    };

    public static HandlerContext Context(FlowDefinition flow, string listener, string payloadXml, IFlowServices services,
        string from = "caller", IReadOnlyList<ContextSlot>? history = null, string thread = "11111111-1111-4111-8111-111111111111")
    {
        var set = new PayloadSchemaSet(flow);
        var schemas = set.All;
        var l = flow.Listeners.Single(x => x.Name == listener);
        var peers = l.Peers.Select(p => flow.Listeners.Single(x => x.Name == p))
            .Select(p => new PeerInfo(p.Name, p.Description, p.PayloadClass, schemas[p.PayloadClass], p.Name == listener)).ToList();
        var payload = XElement.Parse(payloadXml);
        return new HandlerContext
        {
            Payload = payload,
            Schema = schemas[payload.Name.LocalName],
            Metadata = new HandlerMetadata(thread, from, listener, from == listener, $"You are the {listener} agent."),
            Listener = l,
            Flow = flow,
            Peers = peers,
            History = history ?? [],
            Services = services,
            RunId = "run-1",
            StepIndex = 0,
            Schemas = set,
        };
    }

    public static HandlerCreateContext Create(FlowDefinition flow, string listener, IFlowServices services) => new()
    {
        Flow = flow,
        Listener = flow.Listeners.Single(x => x.Name == listener),
        Schemas = new PayloadSchemaSet(flow).All,
        Services = services,
    };

    public static string Xml(XElement e) => e.ToString(SaveOptions.DisableFormatting);

    internal static bool IsXml(string s)
    {
        try { XElement.Parse(s); return true; } catch (XmlException) { return false; }
    }
}
