using System.Text.Json.Nodes;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;
using static Nextra.Pump.Tests.Wasm.CodeTestKit;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>Real <c>asc</c> builds (tools/asc after <c>npm ci</c>). Each test fails loudly if the compiler is missing, unless Node itself is absent.</summary>
public sealed class AssemblyScriptTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    public const string Upper = """
        import { JsonObj, log, kv } from "./nextra";
        export { alloc } from "./nextra";

        export function handle(ptr: usize, len: i32): i64 {
          const input = JsonObj.read(ptr, len);
          const text = input.getString("text");
          log("upper-casing " + text);
          const seen = kv.get("count");
          const count = seen === null ? 1 : I32.parseInt(seen!) + 1;
          kv.set("count", count.toString());
          const out = new JsonObj();
          out.setString("text", text.toUpperCase() + " \"quoted\" ü");
          out.setInt("n", input.getInt("n") * 2 + <i64>count);
          return out.write();
        }
        """;

    private static readonly AscCompiler Compiler = new(new AscOptions());

    private static bool NodeMissing()
    {
        if (Compiler.IsAvailable(out var reason))
            return false;
        // Only a missing Node.js excuses a skip; a missing tools/asc install is a setup error.
        Assert.True(reason.Contains("Node.js"), reason);
        Console.WriteLine("SKIPPED AssemblyScript test: " + reason);
        return true;
    }

    [Fact]
    public async Task Build_UpperModule_RunsAsCodeBlockWithLogAndKv()
    {
        if (NodeMissing())
            return;
        var factory = new CodeHandlerFactory(fixture.Runtime, compiler: Compiler);
        var services = new TestServices();
        var config = new JsonObject { ["source"] = Upper, ["capabilities"] = new JsonArray("log", "kv") };
        var handler = Create(factory, config, services);

        var first = await handler.HandleAsync(Context(TextPayload("héllo", 20), services), default);
        var second = await handler.HandleAsync(Context(TextPayload("again", 1), services), default);

        var payload = Assert.Single(first.Emissions).Payload;
        Assert.Equal("HÉLLO \"quoted\" ü", payload.Element("text")!.Value);
        Assert.Equal("41", payload.Element("n")!.Value);
        Assert.Equal("4", second.Emissions[0].Payload.Element("n")!.Value);
        Assert.Contains(services.Sink.Logs, l => l.Message == "upper-casing héllo");
        Assert.True(first.Usage!.Fuel > 0);
    }

    [Fact]
    public void Build_UpperModule_ImportsOnlyWhatItUses()
    {
        if (NodeMissing())
            return;
        var build = Compiler.Build(Upper);
        Assert.True(build.Success, build.Log);
        var module = fixture.Runtime.Compile(WasmCode.FromBinary("upper", build.Wasm!));
        Assert.Equal(WasmCapabilities.Log | WasmCapabilities.Kv, module.RequiredCapabilities);
        Assert.Empty(module.CheckImports(WasmCapabilities.Log | WasmCapabilities.Kv));
        Assert.Empty(module.CheckAbi());
    }

    [Fact]
    public void Build_TypeErrors_MappedToUserLines()
    {
        if (NodeMissing())
            return;
        var build = Compiler.Build("export { alloc } from \"./nextra\";\nexport function handle(ptr: usize, len: i32): i64 {\n  let x: i32 = \"no\";\n  return missing;\n}\n");
        Assert.False(build.Success);
        Assert.Contains(build.Diagnostics, d => d is { File: "module.ts", Line: 3, Column: 16, Code: "TS2322", Severity: "error" });
        Assert.Contains(build.Diagnostics, d => d is { File: "module.ts", Line: 4, Column: 10 } && d.Message.Contains("missing"));
    }

    [Fact]
    public void Validate_SourceWithErrors_ReportsAscError()
    {
        if (NodeMissing())
            return;
        var factory = new CodeHandlerFactory(fixture.Runtime, compiler: Compiler);
        var problem = Assert.Single(factory.Validate(ValidationContext(new JsonObject { ["source"] = "export function handle(): i64 { return nope; }" })));
        Assert.Equal("asc_error", problem.Code);
        Assert.Contains("module.ts:1:", problem.Message);
    }

    [Fact]
    public void Sdk_DeclarationText_DescribesHostApi()
    {
        Assert.Contains("export declare class JsonObj", NextraSdk.DeclarationText);
        Assert.Contains("namespace kv", NextraSdk.DeclarationText);
        Assert.Contains("@external(\"nextra\", \"log\")", NextraSdk.SourceText);
    }
}
