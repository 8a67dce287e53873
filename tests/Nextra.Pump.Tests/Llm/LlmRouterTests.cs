using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Llm;
using static Nextra.Pump.Tests.Llm.TestFlows;

namespace Nextra.Pump.Tests.Llm;

public class LlmRouterTests
{
    private static ChatRequest Ask(string model = "gpt-4o-mini", bool stream = false) => new()
    {
        Model = model,
        Messages = [new ChatMessage("system", "be brief"), new ChatMessage("user", "hi")],
        Stream = stream,
    };

    private static Task<ChatCompletion> CompleteAsync(LlmSection section, ChatRequest request, TestServices? services = null,
        List<string>? tokens = null, List<string>? logs = null) =>
        new LlmRouter(section, TimeProvider.System).CompleteAsync(request, services ?? new TestServices(),
            tokens is null ? null : tokens.Add, logs is null ? null : (_, m) => logs.Add(m), CancellationToken.None);

    [Fact]
    public async Task Complete_FirstBackendAnswers500_FailsOverToSecond()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Status(500, "boom") };
        await using var b = new ScriptedServer { Fallback = ScriptedServer.OpenAi("from b") };
        var logs = new List<string>();
        var result = await CompleteAsync(Section(backends: [Backend(a.BaseUrl, name: "a", priority: 1), Backend(b.BaseUrl, name: "b", priority: 2)]), Ask(), logs: logs);
        Assert.Equal("from b", result.Text);
        Assert.Equal("b", result.Backend);
        Assert.Equal(2, result.Attempts);
        Assert.Single(a.Requests);
        Assert.Single(b.Requests);
        Assert.Contains(logs, l => l.Contains("HTTP 500"));
    }

    [Fact]
    public async Task Complete_Failover_PrefersLowestPriorityNumber()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.OpenAi("from a") };
        await using var b = new ScriptedServer { Fallback = ScriptedServer.OpenAi("from b") };
        var result = await CompleteAsync(Section(backends: [Backend(a.BaseUrl, name: "a", priority: 5), Backend(b.BaseUrl, name: "b", priority: 1)]), Ask());
        Assert.Equal("b", result.Backend);
        Assert.Empty(a.Requests);
    }

    [Fact]
    public async Task Complete_429WithRetryAfter_WaitsThenRetries()
    {
        await using var a = new ScriptedServer();
        a.Then(ScriptedServer.Status(429, "{\"error\":\"slow down\"}", "application/json", ("Retry-After", "1")))
         .Then(ScriptedServer.OpenAi("after the wait"));
        var result = await CompleteAsync(Section(backends: [Backend(a.BaseUrl, name: "a")]), Ask());
        Assert.Equal("after the wait", result.Text);
        var requests = a.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"waited only {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Complete_MalformedJsonThenGood_Retries()
    {
        await using var a = new ScriptedServer();
        a.Then(ScriptedServer.Status(200, "{\"choices\": [", "application/json")).Then(ScriptedServer.OpenAi("fine now"));
        var result = await CompleteAsync(Section(backends: [Backend(a.BaseUrl)]), Ask());
        Assert.Equal("fine now", result.Text);
        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task Complete_AlwaysMalformed_FailsWithLlmUnavailable()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Json(new { nothing = "here" }) };
        var e = await Assert.ThrowsAsync<HandlerException>(() => CompleteAsync(Section(retries: 2, backends: [Backend(a.BaseUrl)]), Ask()));
        Assert.Equal("llm_unavailable", e.Code);
        Assert.Contains("Malformed provider response", e.Message);
        Assert.Equal(3, a.Requests.Count);
    }

    [Fact]
    public async Task Complete_BackendTimesOut_FailsOverToSecond()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Hang(TimeSpan.FromSeconds(5)) };
        await using var b = new ScriptedServer { Fallback = ScriptedServer.OpenAi("quick") };
        var result = await CompleteAsync(Section(backends: [Backend(a.BaseUrl, name: "a", timeout: 0.3), Backend(b.BaseUrl, name: "b", priority: 2)]), Ask());
        Assert.Equal("quick", result.Text);
        Assert.Equal("b", result.Backend);
    }

    [Fact]
    public async Task Complete_RejectedKey_IsNotRetriedOnSameBackend()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Status(401, "bad key") };
        var e = await Assert.ThrowsAsync<HandlerException>(() => CompleteAsync(Section(retries: 3, backends: [Backend(a.BaseUrl)]), Ask()));
        Assert.Equal("llm_unavailable", e.Code);
        Assert.Contains("401", e.Message);
        Assert.Single(a.Requests);
    }

    [Fact]
    public async Task Complete_ProviderEchoesKeyInError_KeyIsRedacted()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Status(401, "{\"error\":\"Incorrect API key provided: sk-test\"}") };
        var logs = new List<string>();
        var e = await Assert.ThrowsAsync<HandlerException>(() => CompleteAsync(Section(retries: 0, backends: [Backend(a.BaseUrl)]), Ask(), logs: logs));
        Assert.DoesNotContain("sk-test", e.Message);
        Assert.Contains("Incorrect API key provided: ***", e.Message);
    }

    [Fact]
    public async Task Complete_BackendOnBlockedAddress_IsDroppedNotRetried()
    {
        await using var b = new ScriptedServer { Fallback = ScriptedServer.OpenAi("allowed") };
        var blocked = new LlmBackendDefinition { Provider = "openai", Name = "internal", BaseUrl = "http://10.0.0.7:8000/v1", Priority = 1 };
        var logs = new List<string>();
        var result = await CompleteAsync(Section(retries: 3, backends: [blocked, Backend(b.BaseUrl, name: "b", priority: 2)]), Ask(), logs: logs);
        Assert.Equal("b", result.Backend);
        Assert.Equal(2, result.Attempts);
        var only = new LlmBackendDefinition { Provider = "openai", Name = "internal", BaseUrl = "http://169.254.169.254/v1" };
        var e = await Assert.ThrowsAsync<HandlerException>(() => CompleteAsync(Section(retries: 3, backends: [only]), Ask()));
        Assert.Contains("allow-list", e.Message);
        Assert.Contains("after 1 attempt", e.Message);
    }

    [Fact]
    public async Task Complete_NoBackendServesModel_FailsWithoutCalling()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.OpenAi("x") };
        var backend = Backend(a.BaseUrl);
        var section = Section(backends: [new LlmBackendDefinition { Provider = "openai", Name = "a", BaseUrl = backend.BaseUrl, ApiKey = "k", Models = ["gpt-*"] }]);
        var e = await Assert.ThrowsAsync<HandlerException>(() => CompleteAsync(section, Ask("claude-sonnet-4")));
        Assert.Equal("llm_unavailable", e.Code);
        Assert.Contains("no backend serves model 'claude-sonnet-4'", e.Message);
        Assert.Empty(a.Requests);
    }

    [Fact]
    public async Task Complete_ModelGlobs_PickTheMatchingProvider()
    {
        await using var openai = new ScriptedServer { Fallback = ScriptedServer.OpenAi("openai") };
        await using var anthropic = new ScriptedServer { Fallback = ScriptedServer.Anthropic("anthropic") };
        var section = Section(backends:
        [
            new LlmBackendDefinition { Provider = "openai", Name = "o", BaseUrl = openai.BaseUrl + "v1", ApiKey = "k", Models = ["gpt-*"] },
            new LlmBackendDefinition { Provider = "anthropic", Name = "c", BaseUrl = anthropic.BaseUrl + "v1", ApiKey = "k", Models = ["claude-*"], Priority = 9 },
        ]);
        Assert.Equal("anthropic", (await CompleteAsync(section, Ask("claude-sonnet-4-5"))).Text);
        Assert.Equal("openai", (await CompleteAsync(section, Ask("gpt-4o"))).Text);
    }

    [Fact]
    public void Serves_VendorDefaults_FollowProviderFamilies()
    {
        var router = new LlmRouter(Section(backends:
        [
            new LlmBackendDefinition { Provider = "xai", ApiKey = "k" }, new LlmBackendDefinition { Provider = "anthropic", ApiKey = "k" },
            new LlmBackendDefinition { Provider = "openai", ApiKey = "k" }, new LlmBackendDefinition { Provider = "openai", Name = "local", BaseUrl = "http://10.0.0.5:8000/v1" },
        ]), TimeProvider.System);
        var b = router.Backends;
        Assert.True(b[0].Serves("grok-4") && !b[0].Serves("gpt-4o"));
        Assert.True(b[1].Serves("claude-opus-4") && !b[1].Serves("grok-4"));
        Assert.True(b[2].Serves("gpt-4o-mini") && b[2].Serves("o3-mini") && !b[2].Serves("llama3"));
        Assert.True(b[3].Serves("llama3"));
    }

    [Fact]
    public async Task Complete_RoundRobin_AlternatesBackends()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.OpenAi("a") };
        await using var b = new ScriptedServer { Fallback = ScriptedServer.OpenAi("b") };
        var router = new LlmRouter(Section("round-robin", backends: [Backend(a.BaseUrl, name: "a"), Backend(b.BaseUrl, name: "b")]), TimeProvider.System);
        var services = new TestServices();
        var seen = new List<string>();
        for (var i = 0; i < 4; i++)
            seen.Add((await router.CompleteAsync(Ask(), services, null, null, CancellationToken.None)).Text);
        Assert.Equal(["a", "b", "a", "b"], seen);
    }

    [Fact]
    public async Task Complete_LeastLoaded_AvoidsBusyBackend()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Hang(TimeSpan.FromMilliseconds(700), ScriptedServer.OpenAi("a")) };
        await using var b = new ScriptedServer { Fallback = ScriptedServer.OpenAi("b") };
        var router = new LlmRouter(Section("least-loaded", backends: [Backend(a.BaseUrl, name: "a"), Backend(b.BaseUrl, name: "b", priority: 2)]), TimeProvider.System);
        var services = new TestServices();
        var slow = router.CompleteAsync(Ask(), services, null, null, CancellationToken.None);
        await WaitUntilAsync(() => router.Backends[0].Active == 1);
        var fast = await router.CompleteAsync(Ask(), services, null, null, CancellationToken.None);
        Assert.Equal("b", fast.Text);
        Assert.Equal("a", (await slow).Text);
    }

    [Fact]
    public async Task Complete_MaxConcurrentOne_SerialisesCalls()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Hang(TimeSpan.FromMilliseconds(400), ScriptedServer.OpenAi("a")) };
        var backend = Backend(a.BaseUrl, name: "a");
        var section = Section(backends: [new LlmBackendDefinition { Provider = "openai", Name = "a", BaseUrl = backend.BaseUrl, ApiKey = "k", MaxConcurrent = 1 }]);
        var router = new LlmRouter(section, TimeProvider.System);
        var services = new TestServices();
        var first = router.CompleteAsync(Ask(), services, null, null, CancellationToken.None);
        var second = router.CompleteAsync(Ask(), services, null, null, CancellationToken.None);
        await Task.WhenAll(first, second);
        var at = a.Requests.Select(r => r.At).OrderBy(t => t).ToArray();
        Assert.Equal(2, at.Length);
        Assert.True(at[1] - at[0] >= TimeSpan.FromMilliseconds(350), $"second request came {(at[1] - at[0]).TotalMilliseconds} ms after the first");
    }

    [Fact]
    public async Task Complete_OpenAiStream_DeliversTokensAndUsage()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.OpenAi("The answer is forty-two.", stream: true, prompt: 21, completion: 9) };
        var tokens = new List<string>();
        var result = await CompleteAsync(Section(backends: [Backend(a.BaseUrl)]), Ask(stream: true), tokens: tokens);
        Assert.Equal("The answer is forty-two.", result.Text);
        Assert.True(tokens.Count > 2);
        Assert.Equal(result.Text, string.Concat(tokens));
        Assert.Equal((21, 9, false), (result.PromptTokens, result.CompletionTokens, result.UsageEstimated));
        var body = Assert.Single(a.Requests);
        Assert.Equal("/v1/chat/completions", body.Path);
        Assert.Equal("Bearer sk-test", body.Headers["Authorization"]);
        Assert.True((bool)body.Json["stream"]!);
        Assert.True((bool)body.Json["stream_options"]!["include_usage"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Complete_Anthropic_LiftsSystemAndReadsUsage(bool stream)
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.Anthropic("Bonjour tout le monde", stream, input: 30, output: 6) };
        var tokens = new List<string>();
        var request = Ask("claude-sonnet-4-5", stream) with
        {
            Messages = [new("system", "rule one"), new("system", "rule two"), new("assistant", "earlier"), new("user", "hi"), new("user", "again")],
        };
        var result = await CompleteAsync(Section(backends: [Backend(a.BaseUrl, "anthropic")]), request, tokens: tokens);
        Assert.Equal("Bonjour tout le monde", result.Text);
        Assert.Equal("Bonjour tout le monde", string.Concat(tokens));
        Assert.Equal((30, 6), (result.PromptTokens, result.CompletionTokens));
        var sent = Assert.Single(a.Requests);
        Assert.Equal("/v1/messages", sent.Path);
        Assert.Equal("sk-test", sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.Equal("rule one\n\nrule two", (string?)sent.Json["system"]);
        var messages = sent.Json["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string)m!["role"]!).ToArray());
        Assert.Equal("hi\n\nagain", (string?)messages[2]!["content"]);
        Assert.Equal(4096, (int)sent.Json["max_tokens"]!);
    }

    [Fact]
    public async Task Complete_KeyFromSecret_IsSentAndMissingKeyIsCoded()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.OpenAi("ok") };
        var withSecret = new LlmBackendDefinition { Provider = "openai", BaseUrl = a.BaseUrl + "v1", ApiKeySecret = "OPENAI" };
        await CompleteAsync(Section(backends: [withSecret]), Ask(), new TestServices(secrets: new() { ["OPENAI"] = "sk-from-secret" }));
        Assert.Equal("Bearer sk-from-secret", Assert.Single(a.Requests).Headers["Authorization"]);

        var vendor = new LlmBackendDefinition { Provider = "openai", ApiKeySecret = "MISSING" };
        var e = await Assert.ThrowsAsync<HandlerException>(() => CompleteAsync(Section(backends: [vendor]), Ask()));
        Assert.Equal("llm_unavailable", e.Code);
        Assert.Contains("secret 'MISSING'", e.Message);
    }

    [Fact]
    public async Task Complete_OllamaBareAddress_UsesV1()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.OpenAi("llama says hi", model: "llama3.2") };
        var section = Section(backends: [new LlmBackendDefinition { Provider = "ollama", BaseUrl = a.BaseUrl.ToString().TrimEnd('/') }]);
        var result = await CompleteAsync(section, Ask("llama3.2"));
        Assert.Equal("llama says hi", result.Text);
        var sent = Assert.Single(a.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.False(sent.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Complete_TokensPerMinuteSpent_MovesToAnotherBackend()
    {
        await using var a = new ScriptedServer { Fallback = ScriptedServer.OpenAi("a", prompt: 500, completion: 500) };
        await using var b = new ScriptedServer { Fallback = ScriptedServer.OpenAi("b") };
        var limited = Backend(a.BaseUrl, name: "a");
        var section = Section(backends: [new LlmBackendDefinition { Provider = "openai", Name = "a", BaseUrl = limited.BaseUrl, ApiKey = "k", RateLimitTpm = 1000 },
            Backend(b.BaseUrl, name: "b", priority: 2)]);
        var router = new LlmRouter(section, TimeProvider.System);
        var services = new TestServices();
        Assert.Equal("a", (await router.CompleteAsync(Ask(), services, null, null, CancellationToken.None)).Text);
        Assert.Equal("b", (await router.CompleteAsync(Ask(), services, null, null, CancellationToken.None)).Text);
        Assert.Single(a.Requests);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }
}
