using System.Text.RegularExpressions;
using Nextra.Pump.Config.Yaml;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Config;

/// <summary>One load: parses each section into the model, then cross-checks references.</summary>
internal sealed partial class FlowParser(ProblemSink problems, HandlerRegistry registry)
{
    private static readonly string[] TopKeys =
    [
        "organism", "max_concurrent_handlers", "max_concurrent_per_agent", "max_tokens_per_thread",
        "max_message_depth", "queue_capacity", "run_timeout_seconds", "project_memory", "propagate_trace_context",
        "llm", "payloads", "triggers", "peer_tables", "listeners",
    ];

    private static readonly Dictionary<string, string> LibraryOnlyKeys = new()
    {
        ["backend"] = "the shared backend is chosen by the server's configuration, not by the flow",
        ["oob"] = "Nextra has no out-of-band channel; use the REST API",
        ["auth"] = "authentication is configured on the server",
        ["network"] = "outbound HTTP is governed by the server's egress rules",
        ["tools"] = "WASM tools are listeners with 'handler: code'",
        ["shell"] = "Nextra has no shell tool",
        ["compiler"] = "the AssemblyScript compiler is configured on the server",
        ["thread_scheduling"] = "scheduling is FIFO; the key had no effect in xml-pipeline either",
        ["max_concurrent_pipelines"] = "the key had no effect in xml-pipeline; use max_concurrent_handlers",
        ["llm_backends"] = "declare backends under llm: backends:",
        ["meta"] = "introspection is not a flow setting",
        ["gateways"] = "federation is not supported",
    };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    internal static partial Regex ListenerNamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    internal static partial Regex XmlNamePattern();

    private readonly ProblemSink _p = problems;
    private readonly HandlerRegistry _registry = registry;

    /// <summary>Where each listener's config mapping is, to locate handler config problems by key.</summary>
    private readonly Dictionary<ListenerDefinition, (YNode Listener, YMapping? Config)> _listenerNodes = [];

    public FlowDefinition? Parse(YMapping root)
    {
        YamlValues.CheckKeys(root, _p, "the document", TopKeys, LibraryOnlyKeys);
        string name = "unnamed";
        string? description = null;
        switch (root.Get("organism"))
        {
            case null:
                _p.Add(1, 1, "missing_field", "missing 'organism' section; add organism: {name: my-flow}");
                break;
            case YMapping org:
                YamlValues.CheckKeys(org, _p, "organism", ["name", "description"],
                    new Dictionary<string, string> { ["port"] = "the server listens, not the flow", ["identity"] = "envelope signing is not supported", ["tls"] = "TLS is configured on the server", ["version"] = "flows are versioned by the server" });
                var n = YamlValues.String(org.Get("name"), _p, "organism.name");
                if (n is null)
                {
                    _p.Add(org, "missing_field", "organism.name is required");
                }
                else if (!ListenerNamePattern().IsMatch(n))
                {
                    _p.Add(org.Get("name"), "invalid_name", $"organism.name '{n}' must start with a letter and hold only letters, digits, '_' and '-'");
                }
                else
                {
                    name = n;
                }
                description = YamlValues.String(org.Get("description"), _p, "organism.description");
                break;
            case var other:
                _p.Add(other, "invalid_type", "organism must be a mapping: organism: {name: my-flow}");
                break;
        }

        var maxHandlers = YamlValues.Integer(root.Get("max_concurrent_handlers"), _p, "max_concurrent_handlers", 1, 10_000);
        var maxPerAgent = YamlValues.Integer(root.Get("max_concurrent_per_agent"), _p, "max_concurrent_per_agent", 1, 10_000);
        var maxTokens = YamlValues.Integer(root.Get("max_tokens_per_thread"), _p, "max_tokens_per_thread", 1, int.MaxValue);
        var maxDepth = YamlValues.Integer(root.Get("max_message_depth"), _p, "max_message_depth", 1, 100_000);
        var queue = YamlValues.Integer(root.Get("queue_capacity"), _p, "queue_capacity", 1, 10_000_000);
        var runTimeout = YamlValues.Number(root.Get("run_timeout_seconds"), _p, "run_timeout_seconds", 0, 7 * 24 * 3600);
        var memory = YamlValues.Bool(root.Get("project_memory"), _p, "project_memory");
        var trace = YamlValues.Bool(root.Get("propagate_trace_context"), _p, "propagate_trace_context");

        var llm = ParseLlm(root.Get("llm"));
        var payloads = ParsePayloads(root.Get("payloads"));
        var listenersNode = root.Get("listeners");
        if (listenersNode is null)
        {
            _p.Add(1, 1, "missing_field", "missing 'listeners' section; a flow needs at least one listener");
        }
        var listeners = ParseListeners(listenersNode);
        var triggers = ParseTriggers(root.Get("triggers"));
        var tables = ParsePeerTables(root.Get("peer_tables"));

        var flow = new FlowDefinition
        {
            Name = name,
            Description = description,
            MaxConcurrentHandlers = (int)(maxHandlers ?? 20),
            MaxConcurrentPerAgent = (int)(maxPerAgent ?? 5),
            MaxTokensPerThread = (int)(maxTokens ?? 100_000),
            MaxMessageDepth = (int)(maxDepth ?? 50),
            QueueCapacity = (int)(queue ?? 10_000),
            RunTimeoutSeconds = runTimeout ?? 300,
            ProjectMemory = memory ?? false,
            PropagateTraceContext = trace ?? false,
            Llm = llm,
            Payloads = payloads,
            Triggers = triggers,
            PeerTables = tables,
            Listeners = listeners,
        };
        CheckReferences(flow);
        CheckHandlers(flow);
        return flow;
    }
}
