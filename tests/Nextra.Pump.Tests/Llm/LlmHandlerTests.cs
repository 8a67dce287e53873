using System.Text.Json.Nodes;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Llm;
using static Nextra.Pump.Tests.Llm.TestFlows;

namespace Nextra.Pump.Tests.Llm;

public class LlmHandlerTests
{
    private static readonly JsonObject Model = new() { ["model"] = "gpt-4o-mini", ["temperature"] = 0.2, ["max_tokens"] = 300 };

    /// <summary>planner (Question) → researcher (Research), writer (Draft), reviewer (Draft), itself (Thought).</summary>
    private static FlowDefinition Planner(Uri server, string[] peers, bool stream = false) => Flow(
        Section(backends: [Backend(server)]),
        Listener("planner", "Question", peers: peers, config: new JsonObject { ["model"] = "gpt-4o-mini", ["stream"] = stream }, prompt: "You plan research."),
        Listener("thinker", "Thought", peers: ["thinker"], config: (JsonObject)Model.DeepClone()),
        Listener("researcher", "Research", "output"),
        Listener("writer", "Draft", "output"),
        Listener("reviewer", "Draft", "output"),
        Listener("outsider", "Lookup", "output"));

    private static async Task<(HandlerResult Result, TestServices Services)> HandleAsync(FlowDefinition flow, string listener, string payload,
        TestServices? services = null, IReadOnlyList<ContextSlot>? history = null, string from = "user")
    {
        services ??= new TestServices();
        var factory = new LlmHandlerFactory();
        Assert.Empty(factory.Validate(new HandlerValidationContext { Flow = flow, Listener = flow.Listeners.Single(l => l.Name == listener) }));
        var handler = factory.Create(Create(flow, listener, services));
        var result = await handler.HandleAsync(Context(flow, listener, payload, services, from, history), CancellationToken.None);
        return (result, services);
    }

    private const string Q = "<Question><Text>Why is the sky blue?</Text></Question>";

    [Fact]
    public async Task Handle_TwoPeersInOneReply_ForwardsBothInOrder()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi(
            "Splitting this up.\n<Research><Topic>Rayleigh scattering</Topic></Research>\nand\n<Draft><Text>Short answer first</Text></Draft>") };
        var (result, services) = await HandleAsync(Planner(server.BaseUrl, ["researcher", "writer"]), "planner", Q);
        Assert.Collection(result.Emissions,
            e => { Assert.Equal("researcher", e.To); Assert.Equal("Rayleigh scattering", e.Payload.Element("Topic")!.Value); },
            e => { Assert.Equal("writer", e.To); Assert.Equal("Draft", e.Payload.Name.LocalName); });
        Assert.Contains(services.Recorder.Logs, l => l.Message.Contains("text outside payloads not delivered"));
    }

    [Fact]
    public async Task Handle_ToAttribute_PicksAmongPeersAcceptingTheClass()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("<Draft to=\"reviewer\"><Text>check this</Text></Draft>") };
        var (result, _) = await HandleAsync(Planner(server.BaseUrl, ["writer", "reviewer"]), "planner", Q);
        var emission = Assert.Single(result.Emissions);
        Assert.Equal("reviewer", emission.To);
        Assert.Null(emission.Payload.Attribute("to"));
    }

    [Fact]
    public async Task Handle_ClassOnlyANonPeerAccepts_IsForwardedForThePumpToEnforce()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("<Lookup><City>Oslo</City><Days>2</Days></Lookup>") };
        var (result, _) = await HandleAsync(Planner(server.BaseUrl, ["researcher"]), "planner", Q);
        Assert.Equal("outsider", Assert.Single(result.Emissions).To);
    }

    [Fact]
    public async Task Handle_PlainText_IsWrappedInLlmReplyAndResponded()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("Because of Rayleigh scattering.") };
        var (result, _) = await HandleAsync(Planner(server.BaseUrl, ["researcher"]), "planner", Q);
        var emission = Assert.Single(result.Emissions);
        Assert.True(emission.IsRespond);
        Assert.Equal("<LlmReply><Text>Because of Rayleigh scattering.</Text></LlmReply>", Xml(emission.Payload));
    }

    [Fact]
    public async Task Handle_ExplicitReplyPayloadNoPeerTakes_IsResponded()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("Here you go:\n<LlmReply><Text>Blue light scatters most.</Text></LlmReply>") };
        var (result, _) = await HandleAsync(Planner(server.BaseUrl, ["researcher"]), "planner", Q);
        var emission = Assert.Single(result.Emissions);
        Assert.True(emission.IsRespond);
        Assert.Equal("<LlmReply><Text>Blue light scatters most.</Text></LlmReply>", Xml(emission.Payload));
    }

    [Fact]
    public async Task Handle_TextWithInlineTags_IsRespondedAsWritten()
    {
        const string answer = "Line one.\n\nUse <b>bold</b> for emphasis & <i>italics</i> sparingly.";
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi(answer) };
        var (result, _) = await HandleAsync(Planner(server.BaseUrl, ["researcher"]), "planner", Q);
        var emission = Assert.Single(result.Emissions);
        Assert.True(emission.IsRespond);
        Assert.Equal(answer, emission.Payload.Element("Text")!.Value);
    }

    [Fact]
    public async Task Handle_BrokenXml_IsRepairedAndRouted()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("```xml\n<Research><Topic>salt & pepper < 3 grams</Topic></Research>\n```") };
        var (result, services) = await HandleAsync(Planner(server.BaseUrl, ["researcher"]), "planner", Q);
        var emission = Assert.Single(result.Emissions);
        Assert.Equal("researcher", emission.To);
        Assert.Equal("salt & pepper < 3 grams", emission.Payload.Element("Topic")!.Value);
        Assert.Contains(services.Recorder.Logs, l => l.Message.StartsWith("repaired LLM XML", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handle_NothingRoutable_FailsWithLlmUnroutableAndKeepsUsage()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("<Nonsense><X>1</X></Nonsense>") };
        var e = await Assert.ThrowsAsync<HandlerException>(() => HandleAsync(Planner(server.BaseUrl, ["researcher"]), "planner", Q));
        Assert.Equal("llm_unroutable", e.Code);
        Assert.Equal(11, e.Usage?.PromptTokens);
    }

    [Fact]
    public async Task Handle_SelfPayload_LoopsBackToItself()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("<Thought><Text>think more</Text></Thought>") };
        var (result, _) = await HandleAsync(Planner(server.BaseUrl, ["researcher"]), "thinker", "<Thought><Text>start</Text></Thought>");
        Assert.Equal("thinker", Assert.Single(result.Emissions).To);
    }

    [Fact]
    public async Task Handle_Usage_RecordsTokensModelBackendAndCost()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("ok", prompt: 1000, completion: 2000) };
        var (result, _) = await HandleAsync(Planner(server.BaseUrl, []), "planner", Q);
        var usage = result.Usage!;
        Assert.Equal((1000, 2000, "gpt-4o-mini", "openai"), (usage.PromptTokens, usage.CompletionTokens, usage.Model, usage.Backend));
        Assert.Equal((1000 * 0.15m + 2000 * 0.6m) / 1_000_000m, usage.CostUsd);
    }

    [Fact]
    public async Task Handle_Streaming_SendsTokensToRunEvents()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("A streamed answer, piece by piece.", stream: true) };
        var (result, services) = await HandleAsync(Planner(server.BaseUrl, [], stream: true), "planner", Q);
        Assert.True(services.Recorder.Tokens.Count > 2);
        Assert.Equal("A streamed answer, piece by piece.", string.Concat(services.Recorder.Tokens));
        Assert.Equal("A streamed answer, piece by piece.", Assert.Single(result.Emissions).Payload.Element("Text")!.Value);
    }

    [Fact]
    public async Task Handle_BudgetWarningsThenExhaustion_AreReportedAndEnforced()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("ok", prompt: 350, completion: 130) };
        var services = new TestServices(budget: 500);
        var flow = Planner(server.BaseUrl, []);
        await HandleAsync(flow, "planner", Q, services);
        var warnings = services.Recorder.Logs.Where(l => l.Message.StartsWith("token budget", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains("75 %", warnings[0]);
        Assert.Contains("95 %", warnings[2]);
        var e = await Assert.ThrowsAsync<HandlerException>(() => HandleAsync(flow, "planner", Q, services));
        Assert.Equal("budget_exhausted", e.Code);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Handle_Prompt_FollowsLibraryOrder()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.OpenAi("fine") };
        var t = DateTimeOffset.UnixEpoch;
        var history = new List<ContextSlot>
        {
            new(0, "th", "user", "planner", "Question", "<Question><Text>first</Text></Question>", t),
            new(1, "th", "planner", "researcher", "Research", "<Research><Topic>optics</Topic></Research>", t),
            new(2, "th", "researcher", "planner", "Draft", "<Draft><Text>notes</Text></Draft>", t),
            new(3, "th", "user", "planner", "Question", Q, t),
        };
        await HandleAsync(Planner(server.BaseUrl, ["researcher"]), "planner", Q, history: history);
        var messages = Assert.Single(server.Requests).Json["messages"]!.AsArray().Select(m => ((string)m!["role"]!, (string)m["content"]!)).ToList();
        Assert.Equal(["system", "system", "user", "assistant", "user", "user"], messages.Select(m => m.Item1).ToArray());
        Assert.Equal("You plan research.", messages[0].Item2);
        Assert.StartsWith("You are the planner agent.", messages[1].Item2);
        Assert.Contains("## Output format", messages[1].Item2);
        Assert.Equal("[From planner]\n<Research><Topic>optics</Topic></Research>", messages[3].Item2);
        Assert.StartsWith("[From user]\n<Question>", messages[5].Item2);
        Assert.Contains("Why is the sky blue?", messages[5].Item2);
    }

    [Fact]
    public void Validate_BadConfig_ReportsProblems()
    {
        var flow = Flow(Section(backends: [new LlmBackendDefinition { Provider = "openai", ApiKey = "k" }]),
            Listener("a", "Question", config: new JsonObject { ["temperature"] = 5, ["reply_payload"] = "Lookup", ["colour"] = "red" }),
            Listener("b", "Question", config: new JsonObject { ["model"] = "llama3" }));
        var factory = new LlmHandlerFactory();
        var a = factory.Validate(new HandlerValidationContext { Flow = flow, Listener = flow.Listeners[0] }).Select(p => p.Code).ToList();
        Assert.Contains("llm_model_missing", a);
        Assert.Contains("unknown_key", a);
        Assert.Contains("invalid_value", a);
        var b = factory.Validate(new HandlerValidationContext { Flow = flow, Listener = flow.Listeners[1] }).Select(p => p.Code).ToList();
        Assert.Equal(["llm_model_unserved"], b);
    }

    [Fact]
    public void Validate_NoLlmSection_IsReported()
    {
        var flow = Flow(null, Listener("a", "Question", config: (JsonObject)Model.DeepClone()));
        Assert.Contains(new LlmHandlerFactory().Validate(new HandlerValidationContext { Flow = flow, Listener = flow.Listeners[0] }), p => p.Code == "llm_no_backends");
    }
}
