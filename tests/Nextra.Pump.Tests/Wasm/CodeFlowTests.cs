using System.Text.Json.Nodes;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Headless;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>Code blocks run through the real pump (loader, schemas, StreamPump) via the headless CLI.</summary>
public sealed class CodeFlowTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    private async Task<(int Code, JsonObject? Run, string Stdout, string Stderr)> RunAsync(string path, string inject, AscCompiler? compiler = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PumpCli.RunAsync(path, inject, null, null, 20, [new CodeHandlerFactory(fixture.Runtime, compiler: compiler)], stdout, stderr, CancellationToken.None);
        var text = stdout.ToString();
        return (code, text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : null, text, stderr.ToString());
    }

    [Fact]
    public async Task WatExample_ForwardsToDone_WithFuelOnStep()
    {
        var (code, run, stdout, stderr) = await RunAsync(Example("code-wat.yaml"), """{"text": "hello"}""");
        Assert.True(code == 0, stdout + stderr);
        var output = Assert.Single(run!["outputs"]!.AsArray())!;
        Assert.Equal("done", output["listener"]!.GetValue<string>());
        Assert.Equal("hello", output["payload"]!["text"]!.GetValue<string>());
        var step = run["steps"]!.AsArray().First(s => s!["listener"]!.GetValue<string>() == "splice")!;
        Assert.True(step["fuel"]!.GetValue<ulong>() > 0);
    }

    [Fact]
    public async Task AssemblyScriptExample_ShoutsAndCounts()
    {
        var compiler = new AscCompiler(new AscOptions());
        if (!compiler.IsAvailable(out var reason))
        {
            Assert.True(reason.Contains("Node.js"), reason);
            return;
        }
        var (code, run, stdout, stderr) = await RunAsync(Example("code-assemblyscript.yaml"), """{"text": "hello"}""", compiler);
        Assert.True(code == 0, stdout + stderr);
        var output = Assert.Single(run!["outputs"]!.AsArray())!;
        Assert.Equal("loud", output["listener"]!.GetValue<string>());
        Assert.Equal("HELLO!", output["payload"]!["text"]!.GetValue<string>());
        Assert.Equal(1, output["payload"]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task RunawayBlock_FailsStepWithFuelCode_AndValidationCatchesDeniedImport()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nextra-flow-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var yaml = File.ReadAllText(Example("code-wat.yaml"));
            var spin = yaml.Replace("(local $out i32)", "(local $out i32) (loop $l (br $l))");
            File.WriteAllText(Path.Combine(dir, "spin.yaml"), spin);
            var (code, run, stdout, stderr) = await RunAsync(Path.Combine(dir, "spin.yaml"), """{"text": "hello"}""");
            Assert.Equal(1, code);
            var step = run!["steps"]!.AsArray().First(s => s!["listener"]!.GetValue<string>() == "splice")!;
            Assert.Equal(WasmErrorCodes.OutOfFuel, step["error"]!["code"]!.GetValue<string>());
            Assert.Equal(100_000UL, step["fuel"]!.GetValue<ulong>());

            var denied = yaml.Replace("(memory (export \"memory\") 1)", "(import \"env\" \"now\" (func (result f64)))\n          (memory (export \"memory\") 1)");
            File.WriteAllText(Path.Combine(dir, "denied.yaml"), denied);
            var validateOut = new StringWriter();
            var rc = PumpCli.Validate(Path.Combine(dir, "denied.yaml"), [new CodeHandlerFactory(fixture.Runtime)], validateOut, new StringWriter());
            Assert.Equal(1, rc);
            Assert.Contains("wasm_import_denied", validateOut.ToString());
            Assert.Contains("env.now", validateOut.ToString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task SpinningFlow_DoesNotStallAnotherFlow()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nextra-flow-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var yaml = File.ReadAllText(Example("code-wat.yaml"));
            var spin = yaml.Replace("(local $out i32)", "(local $out i32) (loop $l (br $l))")
                .Replace("fuel: 100000", "fuel: 100000000000000").Replace("timeout_ms: 100", "timeout_ms: 4000");
            File.WriteAllText(Path.Combine(dir, "spin.yaml"), spin);
            var spinning = Enumerable.Range(0, 2).Select(_ => RunAsync(Path.Combine(dir, "spin.yaml"), """{"text": "x"}""")).ToList();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 5; i++)
            {
                var (code, run, stdout, stderr) = await RunAsync(Example("code-wat.yaml"), $$"""{"text": "call {{i}}"}""");
                Assert.True(code == 0, stdout + stderr);
                Assert.Equal($"call {i}", run!["outputs"]![0]!["payload"]!["text"]!.GetValue<string>());
            }
            Assert.True(spinning.All(t => !t.IsCompleted), $"the healthy flow's runs took {watch.ElapsedMilliseconds} ms: they waited for the spinning flow");
            foreach (var t in spinning)
            {
                var (_, run, _, _) = await t;
                Assert.Equal(WasmErrorCodes.Timeout, run!["steps"]!.AsArray().First(s => s!["listener"]!.GetValue<string>() == "splice")!["error"]!["code"]!.GetValue<string>());
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
