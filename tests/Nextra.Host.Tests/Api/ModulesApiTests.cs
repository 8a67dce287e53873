using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Api;

/// <summary>/api/modules and /api/sdk through the real host (docs/api.md, modules section).</summary>
public sealed class ModulesApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    [Fact]
    public async Task UploadListDelete_Wat_RoundTrips()
    {
        var user = await factory.CreateUserAsync("modules-a");
        var created = await Json.PostAsync(user.Client, "/api/modules", new { name = "echo", kind = "wat", content = Echo, wit = "echo: func()" }, 201);
        Assert.Equal("1", created["version"]!.GetValue<string>());
        Assert.Equal("echo: func()", created["wit"]!.GetValue<string>());

        var list = await user.Client.GetFromJsonAsync<JsonArray>("/api/modules");
        Assert.Equal(created["id"]!.GetValue<string>(), Assert.Single(list!)!["id"]!.GetValue<string>());

        var other = await factory.CreateUserAsync("modules-b");
        Assert.Empty((await other.Client.GetFromJsonAsync<JsonArray>("/api/modules"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.DeleteAsync($"/api/modules/{created["id"]}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/modules/{created["id"]}")).StatusCode);
        Assert.Empty((await user.Client.GetFromJsonAsync<JsonArray>("/api/modules"))!);
    }

    [Fact]
    public async Task Upload_UnknownImport_422WithErrors()
    {
        var user = await factory.CreateUserAsync("modules-c");
        var body = await Json.PostAsync(user.Client, "/api/modules",
            new { name = "bad", kind = "wat", content = Echo.Replace("(memory", "(import \"env\" \"now\" (func (result f64))) (memory") }, 422);
        Assert.Equal("validation_failed", body["code"]!.GetValue<string>());
        Assert.Contains("env.now", body["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_ModuleUsedByFlow_409NamesFlow()
    {
        var user = await factory.CreateUserAsync("modules-d");
        var module = await Json.PostAsync(user.Client, "/api/modules", new { name = "shared", kind = "wat", content = Echo }, 201);
        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("Uses module", UsesShared), 201);

        var response = await user.Client.DeleteAsync($"/api/modules/{module["id"]}");
        var body = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("module_in_use", body["code"]!.GetValue<string>());
        Assert.Equal("Uses module", body["flows"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task SaveFlow_ModuleOfAnotherTenant_IsNotFound()
    {
        var owner = await factory.CreateUserAsync("modules-f");
        await Json.PostAsync(owner.Client, "/api/modules", new { name = "shared", kind = "wat", content = Echo }, 201);
        var other = await factory.CreateUserAsync("modules-g");

        var body = await Json.PostAsync(other.Client, "/api/flows", Flows.Create("Borrows module", UsesShared), 422);

        Assert.Equal("module_not_found", body["errors"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunFlow_CodeBlockUsingRegisteredModule_Succeeds()
    {
        var user = await factory.CreateUserAsync("modules-h");
        await Json.PostAsync(user.Client, "/api/modules", new { name = "shared", kind = "wat", content = Echo }, 201);
        var flow = await Json.PostAsync(user.Client, "/api/flows", Flows.Create("Runs module", UsesShared), 201);

        // The echo module answers with its input: a respond from the first hop is the run's output.
        var run = await Json.PostAsync(user.Client, $"/api/triggers/{flow["id"]}/inject?wait=20",
            new { payload = new { text = "hello" }, target = "a", payloadClass = "Text" }, 200);

        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("hello", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());
        Assert.True(run["steps"]![0]!["fuel"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task HotReload_FlowSwitchesModuleVersion_NewVersionRunsWithoutRestart()
    {
        var user = await factory.CreateUserAsync("modules-i");
        await Json.PostAsync(user.Client, "/api/modules", new { name = "shared", kind = "wat", content = Echo }, 201);
        var flow = await Json.PostAsync(user.Client, "/api/flows", Flows.Create("Switches module", UsesShared), 201);
        var inject = $"/api/triggers/{flow["id"]}/inject?wait=20";
        var body = new { payload = new { text = "hello" }, target = "a", payloadClass = "Text" };
        Assert.Equal("hello", (await Json.PostAsync(user.Client, inject, body, 200))["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());

        // Version 2 answers a constant; the running flow is saved to use it and hot-reloads.
        const string Constant = """
            (module
              (memory (export "memory") 1)
              (data (i32.const 2048) "{\"Text\":\"v2\"}")
              (func (export "alloc") (param i32) (result i32) (i32.const 1024))
              ;; (2048 << 32) | 13: the 13 bytes of the JSON above
              (func (export "handle") (param i32 i32) (result i64) (i64.const 8796093022221)))
            """;
        var v2 = await Json.PostAsync(user.Client, "/api/modules", new { name = "shared", kind = "wat", content = Constant }, 201);
        Assert.Equal("2", v2["version"]!.GetValue<string>());
        var saved = await user.Client.PutAsJsonAsync($"/api/flows/{flow["id"]}", Flows.Create("Switches module", UsesShared.Replace("shared@1", "shared@2")));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var run = await Json.PostAsync(user.Client, inject, body, 200);
        Assert.True(run["status"]!.GetValue<string>() == "succeeded", run.ToJsonString());
        Assert.Equal("v2", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());
    }

    private const string UsesShared = """
        organism: {name: uses-module}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - name: a
            description: runs the tenant's shared module
            payload_class: Text
            handler: code
            config: {module: shared@1}
        """;

    [Fact]
    public async Task Sdk_Typings_Served()
    {
        var user = await factory.CreateUserAsync("modules-e");
        var response = await user.Client.GetAsync("/api/sdk/nextra.d.ts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/typescript", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("export declare class JsonObj", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Build_EmptySource_422()
    {
        var user = await factory.CreateUserAsync("modules-f");
        await Json.PostAsync(user.Client, "/api/modules/build", new { source = "" }, 422);
    }
}
