using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Engine;
using Nextra.Modules.Flows;
using Nextra.Modules.Flows.Stores;
using Nextra.Modules.Flows.Validation;
using Nextra.Modules.Tests.Memory;
using Nextra.Modules.WasmModules;
using Nextra.Modules.WasmModules.Stores;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Modules.Tests.WasmModules;

public sealed class WasmModuleServiceTests : IAsyncLifetime
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (global $bump (mut i32) (i32.const 1024))
          (func (export "alloc") (param $len i32) (result i32)
            (local $p i32) (local.set $p (global.get $bump))
            (global.set $bump (i32.add (global.get $bump) (local.get $len))) (local.get $p))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    private const string AsModule = """
        import { JsonObj } from "./nextra";
        export { alloc } from "./nextra";
        export function handle(ptr: usize, len: i32): i64 {
          const out = new JsonObj();
          out.setString("text", JsonObj.read(ptr, len).getString("text").toUpperCase());
          return out.write();
        }
        """;

    private ControlPlaneDb _db = null!;
    private WasmRuntime _runtime = null!;
    private AscCompiler _compiler = null!;
    private WasmModuleService _modules = null!;
    private TenantModuleSources _sources = null!;

    public async Task InitializeAsync()
    {
        _db = await ControlPlaneDb.CreateAsync("wasmmodules");
        await _db.AddTenantAsync("t1");
        await _db.AddTenantAsync("t2");
        _runtime = new WasmRuntime(new WasmOptions { PoolingInstances = 8 });
        // A loaded CI machine can take longer than the server's 60 s to start the compiler: the test checks behaviour, not speed.
        _compiler = new AscCompiler(new AscOptions { TimeoutSeconds = 300 });
        var flows = new FlowService(new SqliteFlowStore(_db.Factory), new YamlSyntaxValidator(), TimeProvider.System, new Nextra.Modules.Tiers.ConfiguredTierLimits(new Nextra.Modules.Tiers.TiersOptions()), [], Microsoft.Extensions.Logging.Abstractions.NullLogger<FlowService>.Instance);
        _sources = new TenantModuleSources(new SqliteWasmModuleStore(_db.Factory));
        _modules = new WasmModuleService(new SqliteWasmModuleStore(_db.Factory), _runtime, _compiler, new FlowLibrary(flows),
            Options.Create(new WasmModulesOptions { MaxModulesPerTenant = 5, MaxModuleBytes = 64 * 1024 }), TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        _runtime.Dispose();
        _db.Dispose();
        return Task.CompletedTask;
    }

    private Task<ModuleResponse> UploadWatAsync(string tenant, string name, string wat = Echo) =>
        _modules.UploadAsync(tenant, "a@b.c", new UploadModuleRequest(name, "wat", wat, "interface echo {}"), default);

    private bool AscReady() => _compiler.IsAvailable(out _);

    [Fact]
    public async Task Upload_Wat_VersionsPerName()
    {
        var v1 = await UploadWatAsync("t1", "echo");
        var v2 = await UploadWatAsync("t1", "echo");
        Assert.Equal(("echo", "1", "wat", "interface echo {}"), (v1.Name, v1.Version, v1.Kind, v1.Wit));
        Assert.Equal("2", v2.Version);
        Assert.Equal(["2", "1"], (await _modules.ListAsync("t1", default)).Select(m => m.Version));
        Assert.Empty(await _modules.ListAsync("t2", default));
    }

    [Theory]
    [InlineData("Bad Name", "wat", "(module)", "name")]
    [InlineData("ok", "python", "x", "kind")]
    [InlineData("ok", "wasm", "%%%", "content")]
    public async Task Upload_BadRequest_422(string name, string kind, string content, string field)
    {
        var ex = await Assert.ThrowsAsync<ApiException>(() => _modules.UploadAsync("t1", null, new UploadModuleRequest(name, kind, content, null), default));
        Assert.Equal(422, ex.Status);
        Assert.Equal(field, Assert.Single((FieldError[])ex.Extensions["errors"]!).Field);
    }

    [Theory]
    [InlineData("(module (func $f")]
    [InlineData("(module)")]
    [InlineData("(module (import \"env\" \"abort\" (func)) (memory (export \"memory\") 1) (func (export \"alloc\") (param i32) (result i32) (i32.const 0)) (func (export \"handle\") (param i32 i32) (result i64) (i64.const 0)))")]
    public async Task Upload_BadModule_422WithErrors(string wat)
    {
        var ex = await Assert.ThrowsAsync<ApiException>(() => UploadWatAsync("t1", "bad", wat));
        Assert.Equal(422, ex.Status);
        Assert.NotEmpty((ModuleError[])ex.Extensions["errors"]!);
        Assert.Empty(await _modules.ListAsync("t1", default));
    }

    [Fact]
    public async Task Upload_TooLargeOrOverQuota_Refused()
    {
        Assert.Equal(413, (await Assert.ThrowsAsync<ApiException>(() => UploadWatAsync("t1", "big", Echo + new string(' ', 70_000)))).Status);
        for (var i = 0; i < 5; i++)
            await UploadWatAsync("t1", "m" + i);
        Assert.Equal("module_quota", (await Assert.ThrowsAsync<ApiException>(() => UploadWatAsync("t1", "more"))).Code);
        await UploadWatAsync("t2", "more"); // another tenant's quota is its own
    }

    [Fact]
    public async Task Delete_InUse_ConflictNamingFlows_ElseDeleted()
    {
        var v1 = await UploadWatAsync("t1", "echo");
        var v2 = await UploadWatAsync("t1", "echo");
        await _db.AddFlowAsync("t1", "f1", "listeners:\n  - name: a\n    handler: code\n    config:\n      module: echo@1\n");
        await _db.AddFlowAsync("t1", "f2", "listeners:\n  - {name: b, handler: code, config: {module: echo}}\n");

        var inUse = await Assert.ThrowsAsync<ApiException>(() => _modules.DeleteAsync("t1", v1.Id, default));
        Assert.Equal((409, "module_in_use"), (inUse.Status, inUse.Code));
        Assert.Equal(["f1"], (string[])inUse.Extensions["flows"]!);
        // echo without a version means the latest, so v2 is used by f2.
        Assert.Equal(["f2"], (string[])(await Assert.ThrowsAsync<ApiException>(() => _modules.DeleteAsync("t1", v2.Id, default))).Extensions["flows"]!);

        await _db.DeleteFlowAsync("f1");
        await _modules.DeleteAsync("t1", v1.Id, default);
        Assert.Equal(["2"], (await _modules.ListAsync("t1", default)).Select(m => m.Version));
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiException>(() => _modules.DeleteAsync("t2", v2.Id, default))).Status);
    }

    [Fact]
    public async Task TenantModuleSources_FeedCodeBlocks_AndAreTenantScoped()
    {
        await UploadWatAsync("t1", "echo");
        var t1 = await _sources.ForTenantAsync("t1", ModuleReferences.Names("config: {module: echo}"), default);
        var t2 = await _sources.ForTenantAsync("t2", null, default);
        Assert.Equal("1", t1.Find("echo", null)!.Version);
        Assert.Null(t2.Find("echo", null));

        var listener = new ListenerDefinition { Name = "b", Description = "", PayloadClass = "P", Handler = "code", Config = new JsonObject { ["module"] = "echo@1" } };
        var flow = new FlowDefinition { Name = "f", Payloads = new Dictionary<string, PayloadClassDefinition>(), Triggers = [], PeerTables = [], Listeners = [listener] };
        Assert.Empty(new CodeHandlerFactory(_runtime, t1).Validate(new HandlerValidationContext { Flow = flow, Listener = listener }));
        Assert.Contains("module_not_found", new CodeHandlerFactory(_runtime, t2).Validate(new HandlerValidationContext { Flow = flow, Listener = listener }).Select(p => p.Code));
    }

    [Fact]
    public async Task AssemblyScript_UploadBuildAndErrors()
    {
        if (!AscReady())
            return; // AssemblyScriptTests in Nextra.Pump.Tests insist on the compiler; here the registry logic is what matters.
        var module = await _modules.UploadAsync("t1", null, new UploadModuleRequest("shout", "assemblyscript", AsModule, null), default);
        Assert.Equal("assemblyscript", module.Kind);
        var source = await _sources.ForTenantAsync("t1", null, default);
        var template = _runtime.CreateTemplate(_runtime.Compile(source.Find("shout", null)!.Code), WasmCapabilities.None);
        var result = template.Invoke("""{"text":"hi"}"""u8, new WasmCallLimits(10_000_000, 16 << 20, TimeSpan.FromSeconds(2)), new WasmCallState(null, "r", 1, "b", default));
        Assert.Equal("""{"text":"HI"}""", System.Text.Encoding.UTF8.GetString(result.Output));

        var build = await _modules.BuildAsync("t1", "export function handle(ptr: usize, len: i32): i64 {\n  return nope;\n}\n", default);
        Assert.False(build.Ok);
        Assert.Contains(build.Errors, e => e.Line == 2 && e.Column == 10 && e.Message.Contains("nope"));
        var rejected = await Assert.ThrowsAsync<ApiException>(() => _modules.UploadAsync("t1", null, new UploadModuleRequest("broken", "assemblyscript", "let x: i32 = \"s\";", null), default));
        Assert.Equal(1, ((ModuleError[])rejected.Extensions["errors"]!)[0].Line);
        Assert.True((await _modules.BuildAsync("t1", AsModule, default)).Ok);
    }

    [Fact]
    public void SdkEndpoint_ServesDeclarations()
    {
        var result = WasmModulesEndpoints.Sdk();
        Assert.Equal("application/typescript; charset=utf-8", result.ContentType);
        Assert.Contains("export declare class JsonObj", result.ResponseContent);
    }

    [Theory]
    [InlineData("config: {module: echo@3}", "echo", "3")]
    [InlineData("      module: \"upper\"\n", "upper", null)]
    [InlineData("# module: hidden is a comment\nmodule: real # trailing\n", "real", null)]
    public void ModuleReferences_FindsNamesAndVersions(string yaml, string name, string? version) =>
        Assert.Contains((name, version), ModuleReferences.Find(yaml));
}
