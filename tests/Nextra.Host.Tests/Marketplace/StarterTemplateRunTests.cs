using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nextra.Host.Tests.Api;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>A server whose egress may reach loopback (the scripted LLM and HTTP backends of the starter templates).</summary>
public sealed class LoopbackEgressFactory : NextraFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Egress:AllowList:0", "127.0.0.1")];
}

/// <summary>
/// Issue 14: each starter template, used from the marketplace with its inputs and secrets, runs against a scripted backend
/// on loopback: an OpenAI-compatible LLM answering each agent by its prompt, and the HTTP APIs, feeds and chat/alert
/// webhooks the templates call (which record what they receive).
/// </summary>
public sealed partial class StarterTemplateRunTests(LoopbackEgressFactory factory) : IClassFixture<LoopbackEgressFactory>
{
    private sealed record Received(string Path, string Body, string? Authorization);

    [GeneratedRegex(@"<Round>(\d+)</Round>")]
    private static partial Regex RoundOf();

    /// <summary>The agent's reply, chosen by the listener prompt the request carries (the last Round seen for the research loop).</summary>
    private static string Reply(string request)
    {
        if (request.Contains("Decide how urgent", StringComparison.Ordinal))
            return "<Triaged><Subject>Checkout down</Subject><Priority>5</Priority><Reason>customers cannot pay</Reason></Triaged>";
        if (request.Contains("Summarize the event", StringComparison.Ordinal))
            return "<Summary><Text>Deploy 42 finished without errors.</Text></Summary>";
        if (request.Contains("Score this lead", StringComparison.Ordinal))
            return "<Qualified><Emails>ada@example.com</Emails><Score>4</Score><Notes>good fit</Notes></Qualified>";
        if (request.Contains("Answer the question", StringComparison.Ordinal))
            return "<Answer><Text>Refunds take five days.</Text></Answer>";
        if (request.Contains("Improve the research notes", StringComparison.Ordinal))
        {
            var round = RoundOf().Matches(request).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            return round < 2
                ? $"<Notes to=\"researcher\"><Topic>wasm</Topic><Text>notes round {round + 1}</Text><Round>{round + 1}</Round></Notes>"
                : "<Notes to=\"writer\"><Topic>wasm</Topic><Text>final notes</Text><Round>2</Round></Notes>";
        }
        if (request.Contains("Write a five-sentence brief", StringComparison.Ordinal))
            return "<Brief><Text>WASM sandboxes tools.</Text></Brief>";
        if (request.Contains("for clarity", StringComparison.Ordinal))
            return "<Review><Text>clear</Text></Review>";
        if (request.Contains("for accuracy", StringComparison.Ordinal))
            return "<Review><Text>accurate</Text></Review>";
        if (request.Contains("for tone", StringComparison.Ordinal))
            return "<Review><Text>friendly</Text></Review>";
        if (request.Contains("Write a digest", StringComparison.Ordinal))
            return "<Digest><Text>Two releases shipped.</Text></Digest>";
        return "<Unknown/>";
    }

    private static async Task<(WebApplication App, string Base, ConcurrentQueue<Received> Received)> BackendAsync()
    {
        var received = new ConcurrentQueue<Received>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpRequest request) =>
        {
            // The messages' text (the request's JSON escapes '<', so the payload XML is read from the parsed messages).
            var json = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!;
            var body = string.Join("\n", json["messages"]!.AsArray().Select(m => m!["content"]?.ToString() ?? ""));
            return Results.Json(new JsonObject
            {
                ["model"] = "scripted",
                ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Reply(body) } }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 20 },
            });
        });
        app.MapGet("/health", () => Results.StatusCode(503));
        app.MapGet("/feed", () => Results.Text("<rss><item>Release 1</item><item>Release 2</item></rss>", "application/rss+xml"));
        foreach (var path in new[] { "/chat", "/alert", "/api" })
        {
            app.MapPost(path, async (HttpRequest request) =>
            {
                received.Enqueue(new Received(path, await new StreamReader(request.Body).ReadToEndAsync(), request.Headers.Authorization.ToString()));
                return Results.Ok();
            });
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return (app, address, received);
    }

    private static async Task<JsonNode> UseAndRunAsync(TestUser user, string template, object inputs, string target, string payloadClass, object payload)
    {
        var flow = await Json.PostAsync(user.Client, $"/api/marketplace/flows/nextra/{template}/use", new { inputs }, 201);
        Assert.True(flow["setupComplete"]!.GetValue<bool>(), template);
        var run = await Json.PostAsync(user.Client, $"/api/triggers/{flow["id"]}/inject?wait=30", new { payload, target, payloadClass }, 200);
        Assert.True(run["status"]!.GetValue<string>() == "succeeded", $"{template}: {run.ToJsonString()}");
        return run;
    }

    private static JsonNode Output(JsonNode run, string listener) =>
        run["outputs"]!.AsArray().Single(o => o!["listener"]!.GetValue<string>() == listener)!["payload"]!;

    [Fact]
    public async Task EveryStarterTemplate_RunsAgainstAScriptedBackend()
    {
        var (app, root, received) = await BackendAsync();
        await using var _ = app;
        var user = await factory.CreateUserAsync("starter-runs");
        await Json.PutAsync(user.Client, "/api/secrets/OPENAI_API_KEY", new { value = "sk-scripted" }, 204);
        await Json.PutAsync(user.Client, "/api/secrets/API_TOKEN", new { value = "token-for-the-api" }, 204);
        await Json.PostAsync(user.Client, "/api/marketplace/installs", new { id = "nextra/extract-emails", acceptPermissions = true }, 201);
        var llm = $"{root}/v1";
        var ran = new List<string>();

        var triage = await UseAndRunAsync(user, "support-ticket-triage", new { llm_base_url = llm }, "triage", "Ticket", new { subject = "Checkout down", body = "Nobody can pay" });
        Assert.Equal(5, Output(triage, "oncall")["Priority"]!.GetValue<int>());
        ran.Add("support-ticket-triage");

        await UseAndRunAsync(user, "webhook-summarize-chat", new { llm_base_url = llm, chat_webhook_url = $"{root}/chat" }, "summarize", "Event", new { text = "deploy 42 done" });
        Assert.Contains(received, r => r.Path == "/chat" && r.Body.Contains("Deploy 42 finished without errors.", StringComparison.Ordinal));
        ran.Add("webhook-summarize-chat");

        await UseAndRunAsync(user, "http-health-check", new { health_url = $"{root}/health", alert_webhook_url = $"{root}/alert" }, "check", "Tick", new { });
        Assert.Contains(received, r => r.Path == "/alert" && r.Body.Contains("status 503", StringComparison.Ordinal));
        ran.Add("http-health-check");

        var lead = await UseAndRunAsync(user, "lead-enrichment", new { llm_base_url = llm }, "extract", "Lead", new { text = "Hi, I am Ada (ada@example.com) from a B2B software company" });
        Assert.Equal(4, Output(lead, "crm")["Score"]!.GetValue<int>());
        ran.Add("lead-enrichment");

        var qa = await UseAndRunAsync(user, "document-qa", new { llm_base_url = llm }, "answer", "Question", new { text = "How long do refunds take?" });
        Assert.Equal("Refunds take five days.", Output(qa, "reply")["Text"]!.GetValue<string>());
        ran.Add("document-qa");

        var moderation = await UseAndRunAsync(user, "content-moderation", new { blocked_word = "casino" }, "screen", "Post", new { author = "a", text = "casino night" });
        Assert.Single(moderation["outputs"]!.AsArray(), o => o!["listener"]!.GetValue<string>() == "review");
        ran.Add("content-moderation");

        var research = await UseAndRunAsync(user, "multi-agent-research", new { llm_base_url = llm }, "researcher", "Notes", new { topic = "wasm", text = "", round = 0 });
        Assert.Equal("WASM sandboxes tools.", Output(research, "brief")["Text"]!.GetValue<string>());
        Assert.True(research["steps"]!.AsArray().Count(s => s!["listener"]?.GetValue<string>() == "researcher") >= 3, research.ToJsonString());
        ran.Add("multi-agent-research");

        var fanout = await UseAndRunAsync(user, "parallel-fanout", new { llm_base_url = llm }, "review", "Draft", new { text = "Our new release" });
        Assert.Equal(3, Output(fanout, "done")["Items"]!.AsArray().Count);
        ran.Add("parallel-fanout");

        await UseAndRunAsync(user, "cron-digest", new { llm_base_url = llm, feed_url = $"{root}/feed", chat_webhook_url = $"{root}/chat" }, "fetch", "Tick", new { });
        Assert.Contains(received, r => r.Path == "/chat" && r.Body.Contains("Two releases shipped.", StringComparison.Ordinal));
        ran.Add("cron-digest");

        await UseAndRunAsync(user, "api-call-failure-queue", new { api_url = $"{root}/api" }, "call", "Call", new { payload = """{"order":1}""" });
        Assert.Contains(received, r => r.Path == "/api" && r.Authorization == "Bearer token-for-the-api");
        ran.Add("api-call-failure-queue");

        var listed = (await user.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/flows"))!["items"]!.AsArray()
            .Select(i => i!["id"]!.GetValue<string>()).Where(i => i.StartsWith("nextra/", StringComparison.Ordinal)).Select(i => i[7..]).Order();
        Assert.Equal(listed, ran.Order()); // every starter template ran above
    }
}
