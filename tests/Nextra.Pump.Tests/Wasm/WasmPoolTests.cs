using Nextra.Pump.Handlers;
using Nextra.Pump.Wasm;
using State = Nextra.Pump.Wasm.WasmCallState;

namespace Nextra.Pump.Tests.Wasm;

public sealed class WasmPoolTests
{
    [Fact]
    public async Task Invoke_AllPoolSlotsBusy_FailsBusyAndRecoversAfter()
    {
        using var runtime = new WasmRuntime(new WasmOptions { PoolingInstances = 1 });
        // Logs once (so the test knows it holds the only slot), then spins.
        var spinWat = WatModules.Module("""
            (func (export "handle") (param $p i32) (param $l i32) (result i64)
              (call $log (local.get $p) (local.get $l))
              (loop $forever (br $forever))
              (i64.const 0))
            """, """(import "nextra" "log" (func $log (param i32 i32)))""");
        var spin = runtime.CreateTemplate(runtime.Compile(WasmCode.FromText("spin", spinWat)), WasmCapabilities.Log);
        var services = new TestServices();
        var echo = runtime.CreateTemplate(runtime.Compile(WasmCode.FromText("echo", WatModules.Echo)), WasmCapabilities.None);
        var limits = new WasmCallLimits(ulong.MaxValue / 4, 1 << 20, TimeSpan.FromMilliseconds(1_500));
        State Call() => new(null, "run", 1, "b", default);

        var spinning = Task.Run(() => spin.Invoke("{}"u8, limits, new State(services, "run", 1, "spin", default)));
        while (services.Sink.Logs.IsEmpty && !spinning.IsCompleted)
            await Task.Delay(5);
        var busy = Assert.Throws<HandlerException>(() => echo.Invoke("{}"u8, limits, Call()));
        Assert.Equal(WasmErrorCodes.Busy, busy.Code);

        Assert.Equal(WasmErrorCodes.Timeout, (await Assert.ThrowsAsync<HandlerException>(() => spinning)).Code);
        Assert.Equal("{}", System.Text.Encoding.UTF8.GetString(echo.Invoke("{}"u8, limits, Call()).Output));
    }

    [Fact]
    public void Compile_PastTheCacheBound_EvictsLeastRecentlyUsedAndEvictedTemplatesStillRun()
    {
        using var runtime = new WasmRuntime(new WasmOptions { MaxCachedModules = 2, PoolingInstances = 0 });
        var limits = new WasmCallLimits(1_000_000, 1 << 20, TimeSpan.FromSeconds(1));
        WasmCode Code(string text) => WasmCode.FromText("m", WatModules.Constant($$"""{"text":"{{text}}"}"""));
        var first = runtime.CreateTemplate(runtime.Compile(Code("a")), WasmCapabilities.None);
        runtime.Compile(Code("b"));
        runtime.Compile(Code("a")); // a is now more recent than b
        runtime.Compile(Code("c")); // over the bound: b goes
        Assert.Equal(2, runtime.CachedModuleCount);
        var compiled = runtime.CompileCount;
        runtime.Compile(Code("a"));
        Assert.Equal(compiled, runtime.CompileCount); // a stayed
        runtime.Compile(Code("b"));
        Assert.Equal(compiled + 1, runtime.CompileCount); // b was evicted and compiles again
        Assert.Equal(2, runtime.CachedModuleCount);

        // A template built before its module left the cache keeps working.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal("""{"text":"a"}""", System.Text.Encoding.UTF8.GetString(first.Invoke("{}"u8, limits, new State(null, "run", 1, "b", default)).Output));
    }

    [Fact]
    public void Invoke_WithoutPooling_StillWorks()
    {
        using var runtime = new WasmRuntime(new WasmOptions { PoolingInstances = 0 });
        var echo = runtime.CreateTemplate(runtime.Compile(WasmCode.FromText("echo", WatModules.Echo)), WasmCapabilities.None);
        var result = echo.Invoke("""{"a":1}"""u8, new WasmCallLimits(1_000_000, 1 << 20, TimeSpan.FromSeconds(1)), new State(null, "run", 1, "b", default));
        Assert.Equal("""{"a":1}""", System.Text.Encoding.UTF8.GetString(result.Output));
        Assert.True(result.FuelUsed > 0);
    }
}
