using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>Builds flows, listeners and handler contexts around a code block.</summary>
internal static class CodeTestKit
{
    public static readonly TestSchema Text = new("Text", ("text", "string"), ("n", "int"));
    public static readonly TestSchema Other = new("Other", ("value", "string"));

    private sealed class Lookup : IPayloadSchemaLookup
    {
        public IPayloadSchema? Find(string className) => className switch { "Text" => Text, "Other" => Other, _ => null };
    }

    public static FlowDefinition Flow(ListenerDefinition listener, bool projectMemory = true) => new()
    {
        Name = "test-flow",
        Payloads = new Dictionary<string, PayloadClassDefinition>
        {
            ["Text"] = new() { Name = "Text", Fields = [] },
            ["Other"] = new() { Name = "Other", Fields = [] },
        },
        Triggers = [],
        PeerTables = [],
        Listeners = [listener],
        ProjectMemory = projectMemory,
    };

    public static ListenerDefinition Listener(JsonObject? config, string name = "block") => new()
    {
        Name = name,
        Description = "a code block",
        PayloadClass = "Text",
        Handler = "code",
        Peers = ["next"],
        Config = config,
    };

    public static JsonObject WatConfig(string wat, params string[] capabilities)
    {
        var config = new JsonObject { ["wat"] = wat };
        if (capabilities.Length > 0)
            config["capabilities"] = new JsonArray(capabilities.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        return config;
    }

    public static HandlerValidationContext ValidationContext(JsonObject? config, bool projectMemory = true)
    {
        var listener = Listener(config);
        return new HandlerValidationContext { Flow = Flow(listener, projectMemory), Listener = listener };
    }

    public static IHandler Create(IHandlerFactory factory, JsonObject config, IFlowServices services)
    {
        var listener = Listener(config);
        var validation = factory.Validate(new HandlerValidationContext { Flow = Flow(listener), Listener = listener }).ToList();
        Assert.True(validation.Count == 0, string.Join("; ", validation));
        return factory.Create(new HandlerCreateContext
        {
            Flow = Flow(listener),
            Listener = listener,
            Schemas = new Dictionary<string, IPayloadSchema> { ["Text"] = Text, ["Other"] = Other },
            Services = services,
        });
    }

    /// <summary>A context with two peers (<c>next</c>, <c>side</c>) so a result without <c>_to</c> responds; <paramref name="onlyNext"/> leaves one, to which it forwards.</summary>
    public static HandlerContext Context(XElement payload, IFlowServices services, bool withPeer = true, int step = 1, bool onlyNext = false)
    {
        var listener = Listener(null);
        return new HandlerContext
        {
            Payload = payload,
            Schema = Text,
            Metadata = new HandlerMetadata("thread-1", "user", listener.Name, false, ""),
            Listener = listener,
            Flow = Flow(listener),
            Peers = !withPeer ? [] : onlyNext ? [new PeerInfo("next", "the next step", "Other", Other, false)]
                : [new PeerInfo("next", "the next step", "Other", Other, false), new PeerInfo("side", "a side step", "Other", Other, false)],
            History = [],
            Services = services,
            RunId = "run-1",
            StepIndex = step,
            Schemas = new Lookup(),
        };
    }

    public static XElement TextPayload(string text, int n = 0) => new("Text", new XElement("text", text), new XElement("n", n));
}
