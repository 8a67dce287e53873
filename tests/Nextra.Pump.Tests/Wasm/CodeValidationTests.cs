using System.Text.Json.Nodes;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Wasm;
using static Nextra.Pump.Tests.Wasm.CodeTestKit;

namespace Nextra.Pump.Tests.Wasm;

public sealed class CodeValidationTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    private readonly CodeHandlerFactory _factory = new(fixture.Runtime,
        new InMemoryWasmModuleSource().Add("echo", "1", WasmCode.FromText("echo@1", WatModules.Echo)));

    private List<string> Codes(JsonObject? config, bool projectMemory = true) =>
        _factory.Validate(ValidationContext(config, projectMemory)).Select(p => p.Code).ToList();

    [Fact]
    public void Validate_UngrantedKvImport_ReportsImportDenied()
    {
        var problems = _factory.Validate(ValidationContext(WatConfig(WatModules.KvRoundTrip, "log"))).ToList();
        Assert.All(problems, p => Assert.Equal(WasmErrorCodes.ImportDenied, p.Code));
        Assert.Contains(problems, p => p.Message.Contains("nextra.kv_get") && p.Message.Contains("capability 'kv'"));
    }

    [Theory]
    [InlineData("env", "abort")]
    [InlineData("wasi_snapshot_preview1", "fd_write")]
    [InlineData("nextra", "spawn_process")]
    public void Validate_UnknownImport_ReportsImportDenied(string module, string name)
    {
        var problems = _factory.Validate(ValidationContext(WatConfig(WatModules.WithImport(module, name), "log", "kv", "http"))).ToList();
        var problem = Assert.Single(problems);
        Assert.Equal(WasmErrorCodes.ImportDenied, problem.Code);
        Assert.Contains($"{module}.{name}", problem.Message);
    }

    [Fact]
    public void Validate_WrongHostSignature_ReportsImportDenied()
    {
        var problem = Assert.Single(_factory.Validate(ValidationContext(WatConfig(WatModules.WithImport("nextra", "log", "(param i64)"), "log"))));
        Assert.Equal(WasmErrorCodes.ImportDenied, problem.Code);
        Assert.Contains("wrong signature", problem.Message);
    }

    [Fact]
    public void CreateTemplate_UngrantedImport_Throws()
    {
        var module = fixture.Runtime.Compile(WasmCode.FromText("kv", WatModules.KvRoundTrip));
        var ex = Assert.Throws<WasmModuleException>(() => fixture.Runtime.CreateTemplate(module, WasmCapabilities.Log));
        Assert.Equal(WasmErrorCodes.ImportDenied, ex.Code);
    }

    [Fact]
    public void Validate_GrantedImports_NoProblems() =>
        Assert.Empty(Codes(WatConfig(WatModules.KvRoundTrip, "kv")));

    [Fact]
    public void Validate_KvWithoutProjectMemory_Reported() =>
        Assert.Contains("kv_needs_project_memory", Codes(WatConfig(WatModules.KvRoundTrip, "kv"), projectMemory: false));

    [Theory]
    [InlineData("""{"wat":"(module)","source":"x"}""", "code_ambiguous_module")]
    [InlineData("""{"fuel":5}""", "code_no_module")]
    [InlineData("""{"wat":"(module)","bogus":1}""", "unknown_key")]
    [InlineData("""{"wat":"(module)","capabilities":["fs"]}""", "unknown_capability")]
    [InlineData("""{"wat":"(module)","fuel":-1}""", "invalid_value")]
    [InlineData("""{"wat":"(module)","memory_mb":"lots"}""", "invalid_value")]
    [InlineData("""{"wat":"(module)"}""", "wasm_bad_module")]
    [InlineData("""{"wat":"(module (func $f"}""", "wasm_bad_module")]
    [InlineData("""{"module":"missing"}""", "module_not_found")]
    [InlineData("""{"module":"echo@9"}""", "module_not_found")]
    [InlineData("""{"source":"export function handle(): void {}"}""", "asc_unavailable")]
    public void Validate_BadConfig_ReportsCode(string json, string code) =>
        Assert.Contains(code, Codes(JsonNode.Parse(json)!.AsObject()));

    [Fact]
    public void Validate_NoConfig_ReportsNoModule() => Assert.Contains("code_no_module", Codes(null));

    [Fact]
    public void Validate_UnknownOutputClass_Reported()
    {
        var config = WatConfig(WatModules.Echo);
        config["output"] = "Nope";
        Assert.Contains("unknown_payload_class", Codes(config));
    }

    [Theory]
    [InlineData("echo")]
    [InlineData("echo@1")]
    public void Validate_RegisteredModule_NoProblems(string module) =>
        Assert.Empty(Codes(new JsonObject { ["module"] = module }));

    [Fact]
    public void Create_LimitsAboveTier_AreCapped()
    {
        var factory = new CodeHandlerFactory(fixture.Runtime, tier: new WasmTierLimits(1_000, 4, 100));
        var config = WatConfig(WatModules.Echo);
        config["fuel"] = 5_000_000;
        config["memory_mb"] = 64;
        config["timeout_ms"] = 10_000;
        var handler = (CodeHandler)Create(factory, config, new TestServices());
        Assert.Equal(new WasmCallLimits(1_000, 4L * 1024 * 1024, TimeSpan.FromMilliseconds(100)), handler.Limits);
    }

    [Fact]
    public void Compile_SameCodeTwice_CompilesOnce()
    {
        var wat = WatModules.Constant("""{"text":"once"}""");
        var before = fixture.Runtime.CompileCount;
        var a = fixture.Runtime.Compile(WasmCode.FromText("a", wat));
        var b = fixture.Runtime.Compile(WasmCode.FromText("b", wat));
        Assert.Same(a, b);
        Assert.Equal(before + 1, fixture.Runtime.CompileCount);
    }

    [Fact]
    public void Compile_NewRuntimeSameCacheDir_LoadsFromDisk()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nextra-wasm-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var first = new WasmRuntime(new WasmOptions { CacheDirectory = dir }))
                first.Compile(WasmCode.FromText("m", WatModules.Echo));
            Assert.Single(Directory.GetFiles(dir, "*.cwasm"));
            using var second = new WasmRuntime(new WasmOptions { CacheDirectory = dir });
            var module = second.Compile(WasmCode.FromText("m", WatModules.Echo));
            Assert.Equal(0, second.CompileCount);
            Assert.Equal(1, second.DiskHitCount);
            Assert.Empty(module.CheckAbi());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
