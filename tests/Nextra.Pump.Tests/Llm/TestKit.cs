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

/// <summary>A flat payload class (string/int/xml fields) standing in for the pump's compiled schemas in handler unit tests.</summary>
public sealed class TestSchema(PayloadClassDefinition definition) : IPayloadSchema
{
    public string ClassName => definition.Name;
    public string Xsd => "";
    public string ExampleXml => new XElement(definition.Name, definition.Fields.Select(f => new XElement(f.Name, "…"))).ToString();

    public string? Validate(XElement payload) =>
        definition.Fields.FirstOrDefault(f => payload.Element(f.Name) is null) is { } missing ? $"missing {missing.Name}" : null;

    public JsonObject ToJson(XElement payload)
    {
        var o = new JsonObject();
        foreach (var f in definition.Fields)
        {
            var e = payload.Element(f.Name);
            o[f.Name] = e is null ? null : f.Type == "int" ? JsonValue.Create(int.Parse(e.Value)) : JsonValue.Create(e.Value);
        }
        return o;
    }

    public XElement FromJson(JsonObject json)
    {
        var e = new XElement(definition.Name);
        foreach (var f in definition.Fields)
        {
            var hit = json.FirstOrDefault(p => p.Key.Equals(f.Name, StringComparison.OrdinalIgnoreCase));
            if (hit.Key is null)
                throw new PayloadMappingException("missing_field", $"{f.Name} is required");
            var text = hit.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : hit.Value?.ToJsonString() ?? "";
            if (f.Type == "int" && !int.TryParse(text, out _))
                throw new PayloadMappingException("invalid_type", $"{f.Name} must be an int");
            e.Add(f.Type == "xml" && text.Contains('<') ? new XElement(f.Name, XElement.Parse($"<x>{text}</x>").Nodes()) : new XElement(f.Name, text));
        }
        return e;
    }
}

public sealed class TestSchemas(IReadOnlyDictionary<string, IPayloadSchema> schemas) : IPayloadSchemaLookup
{
    public IPayloadSchema? Find(string className) => schemas.TryGetValue(className, out var s) ? s : null;
}

/// <summary>Builds flows and handler contexts for unit tests.</summary>
public static class TestFlows
{
    public static PayloadClassDefinition Class(string name, params (string Name, string Type)[] fields) =>
        new() { Name = name, Fields = fields.Select(f => new PayloadFieldDefinition { Name = f.Name, Type = f.Type }).ToList() };

    public static readonly PayloadClassDefinition[] Standard =
    [
        Class("LlmReply", ("Text", "string")), Class("HttpResponse", ("Status", "int"), ("Headers", "xml"), ("Body", "string")),
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
        var schemas = flow.Payloads.Values.ToDictionary(p => p.Name, p => (IPayloadSchema)new TestSchema(p));
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
            Schemas = new TestSchemas(schemas),
        };
    }

    public static HandlerCreateContext Create(FlowDefinition flow, string listener, IFlowServices services) => new()
    {
        Flow = flow,
        Listener = flow.Listeners.Single(x => x.Name == listener),
        Schemas = flow.Payloads.Values.ToDictionary(p => p.Name, p => (IPayloadSchema)new TestSchema(p)),
        Services = services,
    };

    public static string Xml(XElement e) => e.ToString(SaveOptions.DisableFormatting);

    internal static bool IsXml(string s)
    {
        try { XElement.Parse(s); return true; } catch (XmlException) { return false; }
    }
}
