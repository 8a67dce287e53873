using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Nextra.Host.Tests.Runs;

public class LiveEventsTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    [Fact]
    public async Task Hub_WatchFlow_ReceivesStepsAndFinalRun()
    {
        var owner = await factory.CreateUserAsync("hub");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        await using var hub = Connect(owner.ApiKey);
        var final = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var steps = new List<string>();
        hub.On<JsonElement>("RunUpdated", run =>
        {
            if (run.GetProperty("status").GetString() == "succeeded") final.TrySetResult(run);
        });
        hub.On<string, JsonElement>("StepUpdated", (_, step) =>
        {
            lock (steps) steps.Add(step.GetProperty("listener").GetString()!);
        });
        await hub.StartAsync();
        await hub.InvokeAsync("WatchFlow", flowId);
        var accepted = await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"ada"}""", HttpStatusCode.Accepted, "");
        var run = await final.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(accepted["runId"]!.GetValue<string>(), run.GetProperty("runId").GetString());
        lock (steps) Assert.Contains("route", steps);
    }

    [Fact]
    public async Task Hub_OtherTenantsFlow_Refused()
    {
        var owner = await factory.CreateUserAsync("hub-a");
        var other = await factory.CreateUserAsync("hub-b");
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client);
        await using var hub = Connect(other.ApiKey);
        await hub.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("WatchFlow", flowId));
    }

    [Fact]
    public async Task Hub_NoCredentials_Rejected()
    {
        await using var hub = Connect(null);
        await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
    }

    [Fact]
    public async Task Logs_EventStream_SendsRecentLines()
    {
        var owner = await factory.CreateUserAsync("sse");
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/flows/{flowId}/logs");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await owner.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("event: log", first);
        var data = await reader.ReadLineAsync();
        Assert.StartsWith("data: {", data);
        Assert.Contains("\"level\":", data);
    }

    private HubConnection Connect(string? apiKey) => new HubConnectionBuilder()
        .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/events"), o =>
        {
            o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
            o.Transports = HttpTransportType.LongPolling;
            if (apiKey is not null) o.Headers["Authorization"] = "Bearer " + apiKey;
        })
        .Build();
}

public class TriggerLimitsTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private WebApplicationFactoryClient Limited() => new(factory.WithWebHostBuilder(b => b.UseSetting("Triggers:WebhookRatePerSecond", "1")
        .UseSetting("Triggers:WebhookBurst", "2").UseSetting("Triggers:MaxBodyBytes", "200")));

    [Fact]
    public async Task Webhook_OverRateOrSize_429And413()
    {
        var limited = Limited();
        var owner = await limited.CreateUserAsync("limits");
        var (_, hook) = await RunFlows.DeployAsync(owner);
        var anonymous = limited.Factory.CreateClient();
        var big = await anonymous.PostAsync(hook, Json.Body("{\"name\":\"" + new string('x', 300) + "\"}"));
        Assert.Equal((HttpStatusCode)413, big.StatusCode);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) codes.Add((await anonymous.PostAsync(hook, Json.Body("""{"name":"ada"}"""))).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        var limitedResponse = await anonymous.PostAsync(hook, Json.Body("""{"name":"ada"}"""));
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedResponse.StatusCode);
        Assert.Equal("rate_limited", (await Json.ReadAsync(limitedResponse))["code"]!.GetValue<string>());
        Assert.NotNull(limitedResponse.Headers.RetryAfter);
    }

    [Fact]
    public async Task Webhook_TriggerOwnLimits_ApplyBelowTheServerDefaults()
    {
        var owner = await factory.CreateUserAsync("trigger-limits");
        var yaml = TestFlows.Greeter.Replace("{name: hook, type: webhook, target: route, payload: Greeting}",
            "{name: hook, type: webhook, target: route, payload: Greeting, rate_per_second: 0.01, burst: 2, max_body_bytes: 100}");
        var (_, hook) = await RunFlows.DeployAsync(owner.Client, yaml);
        var anonymous = factory.CreateClient();
        Assert.Equal((HttpStatusCode)413, (await anonymous.PostAsync(hook, Json.Body("{\"name\":\"" + new string('x', 150) + "\"}"))).StatusCode);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) codes.Add((await anonymous.PostAsync(hook, Json.Body("""{"name":"ada"}"""))).StatusCode);
        // The rate is checked before the body is read, so the 413 used one of the burst's 2 tokens; the
        // refill (one per 100 s) adds none during the test.
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
    }

    [Fact]
    public async Task Save_LimitsOnAScheduleTrigger_422Located()
    {
        var owner = await factory.CreateUserAsync("trigger-limits-bad");
        var yaml = TestFlows.Greeter.Replace("timezone: Europe/Paris,", "timezone: Europe/Paris, burst: 5,");
        var body = await Json.PostAsync(owner.Client, "/api/flows", new { name = "bad", organismYaml = yaml }, 422);
        var error = body["errors"]![0]!;
        Assert.Contains("only applies to webhook triggers", error["message"]!.GetValue<string>());
        Assert.True(error["line"]!.GetValue<int>() > 0);
    }

    /// <summary>A derived factory plus an owner created on it (the derived one shares the data dir).</summary>
    private sealed class WebApplicationFactoryClient(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory)
    {
        public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory { get; } = factory;

        public async Task<HttpClient> CreateUserAsync(string tenant)
        {
            using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(Factory.Services);
            var accounts = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Nextra.Modules.Accounts.AccountService>(scope.ServiceProvider);
            var keys = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Nextra.Modules.Accounts.ApiKeyService>(scope.ServiceProvider);
            var user = await accounts.CreateUserAsync($"{tenant}@example.test", TestUser.Password, tenant, Nextra.Modules.Common.Role.Owner, CancellationToken.None);
            var (_, key) = await keys.CreateAsync(user.TenantId, user.UserId, "test", CancellationToken.None);
            var client = Factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            return client;
        }
    }
}
