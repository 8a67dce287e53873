using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Llm;
using Nextra.Pump.Llm;
using Nextra.Pump.Net;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;

namespace Nextra.Pump.Tests.Llm;

/// <summary><c>provider: mock</c> (issue 16): an agent flow runs offline without a key, deterministically.</summary>
public class MockLlmTests
{
    private static async Task<RunRecord> RunAsync(string yaml, string inject)
    {
        var registry = new HandlerRegistry([new LlmHandlerFactory()]);
        var loaded = FlowLoader.Load(yaml, registry);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Problems));
        var services = new LocalFlowServices(loaded.Flow, EgressHttp.CreateClient(new EgressOptions()), events: new RecordingEvents());
        await using var pump = new StreamPump(loaded.Flow!, registry, services);
        await pump.StartAsync(CancellationToken.None);
        var handle = await pump.InjectAsync(new Injection { PayloadXml = inject }, CancellationToken.None);
        return await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static string Flow(string backend) => $$$"""
        organism: {name: offline}
        llm:
          backends:
            - {{{backend}}}
        payloads:
          Question: {fields: {Text: string}}
          Answer: {fields: {Text: string}}
        listeners:
          - {name: desk, description: Answers, payload_class: Question, handler: llm, agent: true, peers: [done], prompt: Answer it., config: {model: any-model}}
          - {name: done, description: The answer, payload_class: Answer, handler: output}
        """;

    [Fact]
    public async Task Mock_WithResponses_AnswersTheFirstWithoutAKey()
    {
        var run = await RunAsync(Flow("""{provider: mock, responses: ["<Answer><Text>forty-two</Text></Answer>"]}"""), "<Question><Text>meaning?</Text></Question>");
        Assert.Equal("succeeded", run.Status);
        var output = Assert.Single(run.Outputs);
        Assert.Equal("done", output.Listener);
        Assert.Contains("<Text>forty-two</Text>", output.Xml);
        var step = run.Steps.Single(s => s.Listener == "desk");
        Assert.Equal("mock", step.Backend);
        Assert.True(step.PromptTokens > 0);
    }

    [Fact]
    public async Task Mock_WithoutResponses_EchoesThePayloadAsTheFirstPeersClass()
    {
        var run = await RunAsync(Flow("{provider: mock}"), "<Question><Text>echo me</Text></Question>");
        Assert.Equal("succeeded", run.Status);
        Assert.Contains("<Text>echo me</Text>", Assert.Single(run.Outputs).Xml);
        Assert.StartsWith("<Answer>", Assert.Single(run.Outputs).Xml);
    }

    [Fact]
    public void Responses_OnARealProvider_IsAProblem()
    {
        var loaded = FlowLoader.Load(Flow("""{provider: openai, api_key: k, responses: ["x"]}"""), new HandlerRegistry([new LlmHandlerFactory()]));
        Assert.Contains(loaded.Problems, p => p.Code == "invalid_value" && p.Message.Contains("provider: mock only"));
    }

    [Fact]
    public void Collapse_IdenticalAttemptErrors_OnceWithCount()
    {
        Assert.Equal("openai: 401 invalid key (×4)", LlmRouter.Collapse(["openai: 401 invalid key", "openai: 401 invalid key", "openai: 401 invalid key", "openai: 401 invalid key"]));
        Assert.Equal("a: x; b: y", LlmRouter.Collapse(["a: x", "b: y"]));
    }
}
