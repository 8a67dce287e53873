using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// R6/R11 "using a template must produce a stopped flow that is not setup_complete": the flow remembers its template and the
/// secrets it needs; it refuses to start (and an inject refuses to wake it) with 409 <c>secrets_unbound</c> naming them until
/// each exists; binding at use time to an existing secret makes it complete at once. On SQLite and Postgres.
/// </summary>
public class TemplateSetupTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Template = "nextra/api-call-failure-queue";

    [ProviderFact]
    public async Task Use_SecretsUnbound_StartRefusedUntilTheSecretExists()
    {
        var user = await factory.CreateUserAsync("tpl-setup-" + Guid.NewGuid().ToString("N")[..6]);
        var used = await Json.PostAsync(user.Client, $"/api/marketplace/flows/{Template}/use",
            new { name = "Orders API", inputs = new { api_url = "https://api.example.com/orders" } }, 201);
        var id = used["id"]!.GetValue<string>();
        Assert.Equal("stopped", used["status"]!.GetValue<string>());
        Assert.False(used["setupComplete"]!.GetValue<bool>());
        Assert.Equal(["API_TOKEN"], used["unboundSecrets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(Template, used["template"]!["id"]!.GetValue<string>());
        Assert.Equal("https://api.example.com/orders", used["template"]!["inputs"]!["api_url"]!.GetValue<string>());
        Assert.StartsWith("sha256:", used["template"]!["digest"]!.GetValue<string>());

        var setup = await user.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/template-flows/{id}");
        Assert.False(setup!["setupComplete"]!.GetValue<bool>());
        var secret = Assert.Single(setup["secrets"]!.AsArray())!;
        Assert.Equal(("API_TOKEN", true, false), (secret["name"]!.GetValue<string>(), secret["used"]!.GetValue<bool>(), secret["bound"]!.GetValue<bool>()));
        Assert.Contains((await user.Client.GetFromJsonAsync<JsonArray>("/api/marketplace/template-flows"))!, f => f!["flowId"]!.GetValue<string>() == id);

        var refused = await Json.PostAsync(user.Client, $"/api/flows/{id}/start", new { }, 409);
        Assert.Equal("secrets_unbound", refused["code"]!.GetValue<string>());
        Assert.Equal(["API_TOKEN"], refused["secrets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Contains("API_TOKEN", refused["detail"]!.GetValue<string>());
        var woken = await Json.PostAsync(user.Client, $"/api/triggers/{id}/inject", new { payload = new { payload = "{}" }, target = "call", payloadClass = "Call" }, 409);
        Assert.Equal("secrets_unbound", woken["code"]!.GetValue<string>());
        Assert.Equal("stopped", (await user.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{id}"))!["status"]!.GetValue<string>());

        await Json.PutAsync(user.Client, "/api/secrets/API_TOKEN", new { value = "token-123" }, 204);
        var complete = await user.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/template-flows/{id}");
        Assert.True(complete!["setupComplete"]!.GetValue<bool>());
        Assert.Empty(complete["unboundSecrets"]!.AsArray());
        var started = await Json.PostAsync(user.Client, $"/api/flows/{id}/start", new { }, 200);
        Assert.Equal("running", started["status"]!.GetValue<string>());
        await Json.PostAsync(user.Client, $"/api/flows/{id}/stop", new { }, 200);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/flows/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/marketplace/template-flows/{id}")).StatusCode);
    }

    [ProviderFact]
    public async Task Use_BoundToAnExistingSecret_CompleteAndRenamed_UnknownBindingRefused()
    {
        var user = await factory.CreateUserAsync("tpl-bound-" + Guid.NewGuid().ToString("N")[..6]);
        await Json.PutAsync(user.Client, "/api/secrets/ORDERS_TOKEN", new { value = "token-456" }, 204);
        var used = await Json.PostAsync(user.Client, $"/api/marketplace/flows/{Template}/use",
            new { inputs = new { api_url = "https://api.example.com/orders" }, secretBindings = new Dictionary<string, string> { ["API_TOKEN"] = "ORDERS_TOKEN" } }, 201);
        Assert.True(used["setupComplete"]!.GetValue<bool>());
        Assert.Contains("{{secret:ORDERS_TOKEN}}", used["organismYaml"]!.GetValue<string>());
        Assert.DoesNotContain("API_TOKEN", used["organismYaml"]!.GetValue<string>());

        var unknown = await Json.PostAsync(user.Client, $"/api/marketplace/flows/{Template}/use",
            new { inputs = new { api_url = "https://api.example.com/orders" }, secretBindings = new Dictionary<string, string> { ["NOT_A_SECRET_OF_IT"] = "ORDERS_TOKEN" } }, 422);
        Assert.Contains("NOT_A_SECRET_OF_IT", unknown["detail"]!.GetValue<string>());
        // A flow not made from a template has no setup record and starts as before.
        var plain = await Json.PostAsync(user.Client, "/api/flows", Api.Flows.Create("Plain"), 201);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/marketplace/template-flows/{plain["id"]}")).StatusCode);
    }
}

public sealed class PostgresTemplateSetupTests(PostgresNextraFactory factory) : TemplateSetupTests(factory), IClassFixture<PostgresNextraFactory>;
