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
    public void Invoke_WithoutPooling_StillWorks()
    {
        using var runtime = new WasmRuntime(new WasmOptions { PoolingInstances = 0 });
        var echo = runtime.CreateTemplate(runtime.Compile(WasmCode.FromText("echo", WatModules.Echo)), WasmCapabilities.None);
        var result = echo.Invoke("""{"a":1}"""u8, new WasmCallLimits(1_000_000, 1 << 20, TimeSpan.FromSeconds(1)), new State(null, "run", 1, "b", default));
        Assert.Equal("""{"a":1}""", System.Text.Encoding.UTF8.GetString(result.Output));
        Assert.True(result.FuelUsed > 0);
    }
}
