using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Api;

/// <summary>/api/flows/{id}/memory through the real host: per-flow, tenant-scoped, cleared with the flow.</summary>
public sealed class MemoryApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static async Task<string> CreateFlowAsync(TestUser user, string name, string yaml = Flows.MemoryYaml) =>
        (await Json.PostAsync(user.Client, "/api/flows", Flows.Create(name, yaml), 201))["id"]!.GetValue<string>();

    [Fact]
    public async Task Put_FlowWithoutProjectMemoryOptIn_403WithTheFixAndNothingStored()
    {
        var user = await factory.CreateUserAsync("memory-e");
        var flow = await CreateFlowAsync(user, "Forgetful", Flows.ValidYaml);

        var put = await user.Client.PutAsync($"/api/flows/{flow}/memory/k", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var problem = await put.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("project_memory_off", problem!["code"]!.GetValue<string>());
        Assert.Contains("project_memory: true", problem["detail"]!.GetValue<string>());
        Assert.Empty((await user.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flow}/memory"))!["keys"]!.AsArray());

        // Opting in (a new version of the flow) opens it.
        var update = await user.Client.PutAsJsonAsync($"/api/flows/{flow}", Flows.Create("Forgetful", Flows.MemoryYaml));
        Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PutAsync($"/api/flows/{flow}/memory/k", new ByteArrayContent([1]))).StatusCode);
    }

    [Fact]
    public async Task PutGetListDelete_RoundTrips()
    {
        var user = await factory.CreateUserAsync("memory-a");
        var flow = await CreateFlowAsync(user, "Remembers");

        var put = await user.Client.PutAsync($"/api/flows/{flow}/memory/greeting", new ByteArrayContent("hello"u8.ToArray()));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("hello", await user.Client.GetStringAsync($"/api/flows/{flow}/memory/greeting"));

        var usage = await user.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flow}/memory");
        Assert.Equal(5, usage!["usedBytes"]!.GetValue<long>());
        Assert.Null(usage["maxBytes"]); // the default tier (enterprise) has no per-flow cap
        Assert.Equal("greeting", usage["keys"]![0]!["key"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/flows/{flow}/memory/greeting")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/flows/{flow}/memory/greeting")).StatusCode);
    }

    [Fact]
    public async Task OtherFlowAndOtherTenant_CannotRead()
    {
        var user = await factory.CreateUserAsync("memory-b");
        var flowA = await CreateFlowAsync(user, "A");
        var flowB = await CreateFlowAsync(user, "B");
        await user.Client.PutAsync($"/api/flows/{flowA}/memory/secret", new ByteArrayContent("s3"u8.ToArray()));

        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/flows/{flowB}/memory/secret")).StatusCode);
        var stranger = await factory.CreateUserAsync("memory-c");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/flows/{flowA}/memory/secret")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/flows/{flowA}/memory")).StatusCode);
    }

    [Fact]
    public async Task FlowDeleted_MemoryGone()
    {
        var user = await factory.CreateUserAsync("memory-d");
        var flow = await CreateFlowAsync(user, "Short-lived");
        await user.Client.PutAsync($"/api/flows/{flow}/memory/k", new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/flows/{flow}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/flows/{flow}/memory")).StatusCode);
    }
}
