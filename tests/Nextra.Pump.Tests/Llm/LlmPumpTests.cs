using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Http;
using Nextra.Pump.Handlers.Llm;
using Nextra.Pump.Net;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;

namespace Nextra.Pump.Tests.Llm;

/// <summary>The llm and http kinds inside the real pump, against the scripted loopback server, through the guarded client.</summary>
public class LlmPumpTests
{
    private static readonly IHandlerFactory[] Kinds = [new LlmHandlerFactory(), new HttpHandlerFactory()];

    private static async Task<(RunRecord Run, RecordingEvents Events)> RunAsync(string yaml, string inject, string? to = null)
    {
        var registry = new HandlerRegistry(Kinds);
        var loaded = FlowLoader.Load(yaml, registry);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Problems));
        var events = new RecordingEvents();
        var services = new LocalFlowServices(loaded.Flow, EgressHttp.CreateClient(new EgressOptions { AllowList = ["127.0.0.1"] }), events: events);
        await using var pump = new StreamPump(loaded.Flow!, registry, services);
        await pump.StartAsync(CancellationToken.None);
        var handle = await pump.InjectAsync(new Injection { PayloadXml = inject, Target = to }, CancellationToken.None);
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        return (run, events);
    }

    private static string Llm(ScriptedServer server, string provider = "openai") => $$$"""
        llm:
          strategy: failover
          retries: 1
          retry_base_delay: 0.01
          backends:
            - {provider: {{{provider}}}, name: scripted, base_url: "{{{server.BaseUrl}}}v1", api_key: sk-test}
        """;

    private static string Steps(RunRecord run) =>
        string.Join(" | ", run.Steps.Select(s => $"{s.Listener}<{s.Class}>{(s.Error is null ? "" : " !" + s.Error.Code + ": " + s.Error.Message)}"));

    [Fact]
    public async Task Run_AgentLoopsOnItselfThreeTimesThenAnswers_Succeeds()
    {
        await using var server = new ScriptedServer();
        for (var i = 1; i <= 3; i++)
            server.Then(ScriptedServer.OpenAi($"Not yet.\n<Thought><Text>round {i}</Text></Thought>", prompt: 50, completion: 10));
        server.Then(ScriptedServer.OpenAi("<LlmReply><Text>Done after three rounds.</Text></LlmReply>", prompt: 80, completion: 12));
        var yaml = $$$"""
            organism: {name: looper}
            {{{Llm(server)}}}
            payloads:
              Thought: {fields: {Text: string}}
            listeners:
              - {name: thinker, description: Thinks in rounds, payload_class: Thought, handler: llm, agent: true, peers: [thinker, done],
                 prompt: Think three rounds then answer., config: {model: gpt-4o-mini, stream: false}}
              - {name: done, description: The answer, payload_class: LlmReply, handler: output}
            """;
        var (run, _) = await RunAsync(yaml, "<Thought><Text>start</Text></Thought>");
        Assert.True(run.Status == "succeeded", Steps(run));
        Assert.Equal("Done after three rounds.", (string?)Assert.Single(run.Outputs).Payload["Text"]);
        var thinking = run.Steps.Where(s => s.Listener == "thinker").ToList();
        Assert.Equal(4, thinking.Count);
        Assert.All(thinking, s => Assert.Equal("gpt-4o-mini", s.Model));
        Assert.Equal(50 + 50 + 50 + 80, thinking.Sum(s => s.PromptTokens));
        Assert.Equal(4, server.Requests.Count);
        Assert.Contains("round 3", server.Requests.ToArray()[3].Body);
    }

    [Fact]
    public async Task Run_AgentAddressesTwoPeersInOneReply_BothReceive()
    {
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.OpenAi("<Research><Topic>tides</Topic></Research><Draft><Text>intro</Text></Draft>"));
        var yaml = $$$"""
            organism: {name: fanout}
            {{{Llm(server)}}}
            payloads:
              Question: {fields: {Text: string}}
              Research: {fields: {Topic: string}}
              Draft: {fields: {Text: string}}
            listeners:
              - {name: planner, description: Plans, payload_class: Question, handler: llm, agent: true, peers: [researcher, writer], config: {model: gpt-4o-mini}}
              - {name: researcher, description: Researches, payload_class: Research, handler: output}
              - {name: writer, description: Writes, payload_class: Draft, handler: output}
            """;
        var (run, _) = await RunAsync(yaml, "<Question><Text>Why tides?</Text></Question>");
        Assert.True(run.Status == "succeeded", Steps(run));
        Assert.Equal(["Research", "Draft"], run.Outputs.Select(o => o.Class).OrderByDescending(c => c).ToArray());
        Assert.Equal("researcher,writer", run.Steps.Single(s => s.Listener == "planner").To);
    }

    [Fact]
    public async Task Run_PeerViolation_IsAnsweredWithSystemError()
    {
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.OpenAi("<Draft><Text>sneaky</Text></Draft>"))
              .Then(ScriptedServer.OpenAi("<Research><Topic>back on track</Topic></Research>"));
        var yaml = $$$"""
            organism: {name: guarded}
            {{{Llm(server)}}}
            payloads:
              Question: {fields: {Text: string}}
              Research: {fields: {Topic: string}}
              Draft: {fields: {Text: string}}
            listeners:
              - {name: planner, description: Plans, payload_class: Question, handler: llm, agent: true, peers: [researcher], config: {model: gpt-4o-mini}}
              - {name: researcher, description: Researches, payload_class: Research, handler: output}
              - {name: writer, description: Writes, payload_class: Draft, handler: output}
            """;
        var (run, _) = await RunAsync(yaml, "<Question><Text>Go</Text></Question>");
        Assert.Contains(run.Steps, s => s.Error?.Code == StepCodes.PeerViolation && s.Listener == "writer");
        Assert.Contains(run.Steps, s => s.Listener == "planner" && s.Class == "SystemError");
        var second = server.Requests.ToArray()[1].Body;
        Assert.Contains("SystemError", second);
        Assert.Contains("[From system]", second);
        Assert.Contains(run.Outputs, o => o.Class == "Research");
        Assert.DoesNotContain(run.Outputs, o => o.Class == "Draft");
    }

    [Theory]
    [InlineData("openai", "gpt-4o-mini", 0.15, 0.6)]
    [InlineData("anthropic", "claude-sonnet-4-5", 3, 15)]
    public async Task Run_TextAnswer_ReturnsToInjectorWithStreamedTokensAndCost(string provider, string model, double input, double output)
    {
        await using var server = new ScriptedServer();
        const string text = "Plain answer, streamed in pieces.";
        server.Then(provider == "openai"
            ? ScriptedServer.OpenAi(text, stream: true, prompt: 1000, completion: 100, model: model)
            : ScriptedServer.Anthropic(text, stream: true, input: 1000, output: 100, model: model));
        var yaml = $$$"""
            organism: {name: plain}
            {{{Llm(server, provider)}}}
            payloads:
              Question: {fields: {Text: string}}
            listeners:
              - {name: bot, description: Answers, payload_class: Question, handler: llm, agent: true, config: {model: {{{model}}}}}
            """;
        var (run, events) = await RunAsync(yaml, "<Question><Text>Hi</Text></Question>");
        Assert.True(run.Status == "succeeded", Steps(run));
        Assert.Equal("Plain answer, streamed in pieces.", (string?)Assert.Single(run.Outputs).Payload["Text"]);
        Assert.Equal("Plain answer, streamed in pieces.", string.Concat(events.Tokens));
        var step = run.Steps.Single(s => s.Listener == "bot");
        Assert.Equal((1000, 100), (step.PromptTokens, step.CompletionTokens));
        Assert.Equal((1000 * (decimal)input + 100 * (decimal)output) / 1_000_000m, step.CostUsd);
        Assert.Equal(model, step.Model);
    }

    [Fact]
    public async Task Run_BudgetExhaustedOnTheSameThread_FailsTheStepWithCode()
    {
        // Budgets are per thread (§4.6) and every forward starts a new thread; the SystemError that answers a
        // peer violation comes back on the same thread, so the agent's second call meets the spent budget.
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.OpenAi("<Draft><Text>not my peer</Text></Draft>", prompt: 700, completion: 250))
              .Then(ScriptedServer.OpenAi("never sent"));
        var yaml = $$$"""
            organism: {name: budget}
            max_tokens_per_thread: 1000
            {{{Llm(server)}}}
            payloads:
              Question: {fields: {Text: string}}
              Draft: {fields: {Text: string}}
            listeners:
              - {name: bot, description: Answers, payload_class: Question, handler: llm, agent: true, peers: [bot], config: {model: gpt-4o-mini}}
              - {name: writer, description: Writes, payload_class: Draft, handler: output}
            """;
        var (run, events) = await RunAsync(yaml, "<Question><Text>Hi</Text></Question>");
        Assert.Equal("failed", run.Status);
        var exhausted = Assert.Single(run.Steps, s => s.Error?.Code == "budget_exhausted");
        Assert.Equal(("bot", "SystemError"), (exhausted.Listener, exhausted.Class));
        Assert.Single(server.Requests);
        var warnings = events.Logs.Where(l => l.Message.StartsWith("token budget", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains("95 %", warnings[2]);
    }

    [Fact]
    public async Task Run_FirstBackendFails_StepRecordsTheBackendThatAnswered()
    {
        await using var broken = new ScriptedServer { Fallback = ScriptedServer.Status(500, "boom") };
        await using var healthy = new ScriptedServer { Fallback = ScriptedServer.OpenAi("from the spare") };
        var yaml = $$$"""
            organism: {name: spare}
            llm:
              retries: 2
              retry_base_delay: 0.01
              backends:
                - {provider: openai, name: main, base_url: "{{{broken.BaseUrl}}}v1", api_key: k, priority: 1}
                - {provider: openai, name: spare, base_url: "{{{healthy.BaseUrl}}}v1", api_key: k, priority: 2}
            payloads:
              Question: {fields: {Text: string}}
            listeners:
              - {name: bot, description: Answers, payload_class: Question, handler: llm, agent: true, config: {model: gpt-4o-mini}}
            """;
        var (run, events) = await RunAsync(yaml, "<Question><Text>Hi</Text></Question>");
        Assert.True(run.Status == "succeeded", Steps(run));
        Assert.Equal("spare", run.Steps.Single(s => s.Listener == "bot").Backend);
        Assert.Contains(events.Logs, l => l.Level == "warning" && l.Message.Contains("main failed"));
    }

    [Fact]
    public async Task Run_NoBackendAnswers_FailsWithLlmUnavailable()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(503, "overloaded") };
        var yaml = $$$"""
            organism: {name: down}
            {{{Llm(server)}}}
            payloads:
              Question: {fields: {Text: string}}
            listeners:
              - {name: bot, description: Answers, payload_class: Question, handler: llm, agent: true, config: {model: gpt-4o-mini}}
            """;
        var (run, _) = await RunAsync(yaml, "<Question><Text>Hi</Text></Question>");
        Assert.Equal("failed", run.Status);
        var error = run.Steps.Single(s => s.Listener == "bot").Error!;
        Assert.Equal("llm_unavailable", error.Code);
        Assert.Contains("HTTP 503", error.Message);
        Assert.Equal(2, server.Requests.Count);
    }
}
