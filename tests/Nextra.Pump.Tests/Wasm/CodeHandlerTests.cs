using System.Text.Json.Nodes;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Wasm;
using static Nextra.Pump.Tests.Wasm.CodeTestKit;

namespace Nextra.Pump.Tests.Wasm;

public sealed class CodeHandlerTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    private readonly CodeHandlerFactory _factory = new(fixture.Runtime);

    private async Task<HandlerResult> RunAsync(string wat, JsonObject? extra = null, TestServices? services = null, bool withPeer = true, CancellationToken ct = default, bool onlyNext = false, params string[] caps)
    {
        services ??= new TestServices();
        var config = WatConfig(wat, caps);
        foreach (var (k, v) in extra ?? [])
            config[k] = v?.DeepClone();
        var handler = Create(_factory, config, services);
        return await handler.HandleAsync(Context(TextPayload("hello", 41), services, withPeer, onlyNext: onlyNext), ct);
    }

    private async Task<HandlerException> FailAsync(string wat, JsonObject? extra = null, params string[] caps)
    {
        var ex = await Assert.ThrowsAsync<HandlerException>(() => RunAsync(wat, extra, caps: caps));
        Assert.NotNull(ex.Usage?.Fuel);
        return ex;
    }

    [Fact]
    public async Task Echo_TextPayload_RespondsSamePayloadWithFuel()
    {
        var result = await RunAsync(WatModules.Echo);
        var emission = Assert.Single(result.Emissions);
        Assert.True(emission.IsRespond);
        Assert.Equal("hello", emission.Payload.Element("text")!.Value);
        Assert.Equal("41", emission.Payload.Element("n")!.Value);
        Assert.True(result.Usage!.Fuel > 0);
    }

    [Fact]
    public async Task Forward_ToPeer_EmitsForwardWithPeerClass()
    {
        var result = await RunAsync(WatModules.Constant("""{"value":"v","_to":"next"}"""));
        var emission = Assert.Single(result.Emissions);
        Assert.Equal("next", emission.To);
        Assert.Equal("Other", emission.Payload.Name.LocalName);
        Assert.Null(emission.Payload.Element("_to"));
    }

    [Fact]
    public async Task Forward_ToNonPeer_FailsBadOutput()
    {
        var ex = await Assert.ThrowsAsync<HandlerException>(() => RunAsync(WatModules.Constant("""{"value":"v","_to":"next"}"""), withPeer: false));
        Assert.Equal(WasmErrorCodes.BadOutput, ex.Code);
        Assert.Contains("not a peer", ex.Message);
    }

    [Fact]
    public async Task OnePeer_NoTo_ForwardsToThatPeer()
    {
        var result = await RunAsync(WatModules.Constant("""{"value":"v"}"""), onlyNext: true);
        var emission = Assert.Single(result.Emissions);
        Assert.False(emission.IsRespond);
        Assert.Equal("next", emission.To);
        Assert.Equal("Other", emission.Payload.Name.LocalName);
    }

    [Fact]
    public async Task OnePeer_ToNull_RespondsToCaller()
    {
        var result = await RunAsync(WatModules.Constant("""{"text":"t","n":1,"_to":null}"""), onlyNext: true);
        var emission = Assert.Single(result.Emissions);
        Assert.True(emission.IsRespond);
        Assert.Equal("t", emission.Payload.Element("text")!.Value);
    }

    [Fact]
    public async Task OnePeer_DropTrue_StillEndsChain()
    {
        var result = await RunAsync(WatModules.Constant("""{"_drop":true}"""), onlyNext: true);
        Assert.Empty(result.Emissions);
    }

    [Fact]
    public async Task TwoPeers_NoTo_RespondsToCaller()
    {
        var result = await RunAsync(WatModules.Constant("""{"text":"t","n":1}"""));
        Assert.True(Assert.Single(result.Emissions).IsRespond);
    }

    [Fact]
    public async Task Drop_True_EndsChain()
    {
        var result = await RunAsync(WatModules.Constant("""{"_drop":true}"""));
        Assert.Empty(result.Emissions);
        Assert.True(result.Usage!.Fuel > 0);
    }

    [Fact]
    public async Task KvRoundTrip_WithKvCapability_StoresAndReadsBack()
    {
        var services = new TestServices();
        var result = await RunAsync(WatModules.KvRoundTrip, services: services, caps: "kv");
        Assert.Equal("hello", Assert.Single(result.Emissions).Payload.Element("text")!.Value);
        var stored = ((InMemoryProjectMemory)services.Memory!).Values["k"];
        Assert.Equal("""{"text":"hello","n":41}""", System.Text.Encoding.UTF8.GetString(stored));
    }

    [Fact]
    public async Task Log_WithLogCapability_ReachesEventSink()
    {
        var services = new TestServices();
        await RunAsync(WatModules.LogEcho, services: services, caps: "log");
        var (listener, _, message) = Assert.Single(services.Sink.Logs);
        Assert.Equal("block", listener);
        Assert.Contains("hello", message);
    }

    [Fact]
    public async Task Log_ManyLines_CappedPerCall()
    {
        var services = new TestServices();
        var spam = WatModules.Module("""
            (func (export "handle") (param $p i32) (param $l i32) (result i64)
              (local $i i32)
              (loop $again
                (call $log (local.get $p) (local.get $l))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (i32.const 1000))))
              (call $pack (local.get $p) (local.get $l)))
            """, """(import "nextra" "log" (func $log (param i32 i32)))""");
        await RunAsync(spam, services: services, caps: "log");
        Assert.Equal(fixture.Runtime.Options.MaxLogLinesPerCall, services.Sink.Logs.Count);
    }

    [Fact]
    public async Task HostCall_OutOfBoundsPointer_FailsTrap()
    {
        var bad = WatModules.Module("""
            (func (export "handle") (param $p i32) (param $l i32) (result i64)
              (call $log (i32.const 65530) (i32.const 100))
              (i64.const 0))
            """, """(import "nextra" "log" (func $log (param i32 i32)))""");
        var ex = await FailAsync(bad, null, "log");
        Assert.Equal(WasmErrorCodes.Trap, ex.Code);
        Assert.Contains("out-of-bounds", ex.Message);
    }

    [Fact]
    public async Task InfiniteLoop_OutOfFuel_FailsWithAllFuelRecorded()
    {
        var ex = await FailAsync(WatModules.InfiniteLoop, new JsonObject { ["fuel"] = 1_000_000 });
        Assert.Equal(WasmErrorCodes.OutOfFuel, ex.Code);
        Assert.Equal(1_000_000UL, ex.Usage!.Fuel);
    }

    [Fact]
    public async Task Trap_ChargedTheWholeCallBudget_NotWhatRanBeforeIt()
    {
        // R10/R11: a trap costs the call's whole budget, so work hidden before a trap is never free.
        var trap = await FailAsync(WatModules.PlainTrap, new JsonObject { ["fuel"] = 2_000_000 });
        Assert.Equal(WasmErrorCodes.Trap, trap.Code);
        Assert.Equal(2_000_000UL, trap.Usage!.Fuel);
        var timeout = await FailAsync(WatModules.InfiniteLoop, new JsonObject { ["fuel"] = 10_000_000_000, ["timeout_ms"] = 150 });
        Assert.Equal(WasmErrorCodes.Timeout, timeout.Code);
        Assert.Equal(10_000_000_000UL, timeout.Usage!.Fuel);
        var ok = await RunAsync(WatModules.Echo, new JsonObject { ["fuel"] = 2_000_000 });
        Assert.InRange(ok.Usage!.Fuel!.Value, 1UL, 1_999_999UL); // a normal return costs budget − remaining
    }

    [Fact]
    public async Task FlowServicesTierLimits_CapTheBlocksFuel()
    {
        // The server passes the flow owner's tier through IFlowServices; it wins over the factory's own caps.
        var services = new TestServices { WasmLimits = new WasmTierLimits(500_000, 64, 5_000) };
        var ex = await Assert.ThrowsAsync<HandlerException>(() => RunAsync(WatModules.InfiniteLoop, new JsonObject { ["fuel"] = 1_000_000 }, services));
        Assert.Equal(WasmErrorCodes.OutOfFuel, ex.Code);
        Assert.Equal(500_000UL, ex.Usage!.Fuel);
    }

    [Fact]
    public async Task MemoryBomb_PastLimit_FailsMemoryLimit()
    {
        var ex = await FailAsync(WatModules.MemoryBomb, new JsonObject { ["memory_mb"] = 2 });
        Assert.Equal(WasmErrorCodes.MemoryLimit, ex.Code);
    }

    [Fact]
    public async Task RefusedGrowFarBelowTheCap_ThenTrap_FailsMemoryLimit()
    {
        // 1 page in use, 16 MiB allowed, 64 MiB asked for: memory is nowhere near the cap when it traps.
        var ex = await FailAsync(WatModules.BigGrowThenTrap, new JsonObject { ["memory_mb"] = 16 });
        Assert.Equal(WasmErrorCodes.MemoryLimit, ex.Code);
        Assert.Contains("memory.grow", ex.Message);
    }

    [Fact]
    public async Task TrapWithoutARefusedGrow_StaysWasmTrap()
    {
        var ex = await FailAsync(WatModules.PlainTrap, new JsonObject { ["memory_mb"] = 16 });
        Assert.Equal(WasmErrorCodes.Trap, ex.Code);
    }

    [Fact]
    public async Task RefusedGrow_ThenDivisionByZero_StaysWasmTrap()
    {
        // The refused grow is recorded, but the trap is an arithmetic one the guest caused on its own.
        var ex = await FailAsync(WatModules.RefusedGrowThenOtherTrap, new JsonObject { ["memory_mb"] = 16 });
        Assert.Equal(WasmErrorCodes.Trap, ex.Code);
    }

    [Fact]
    public async Task LargeInitialMemory_AboveLimit_FailsMemoryLimit()
    {
        var ex = await FailAsync(WatModules.Module(
            """(func (export "handle") (param $p i32) (param $l i32) (result i64) (i64.const 0))""", pages: 100), new JsonObject { ["memory_mb"] = 1 });
        Assert.Equal(WasmErrorCodes.MemoryLimit, ex.Code);
    }

    [Fact]
    public async Task DeepRecursion_StackOverflow_FailsTrap()
    {
        var ex = await FailAsync(WatModules.DeepRecursion, new JsonObject { ["fuel"] = 10_000_000_000 });
        Assert.Equal(WasmErrorCodes.Trap, ex.Code);
        Assert.Contains("stack overflow", ex.Message);
    }

    [Fact]
    public async Task HugeOutput_AboveMaxOutput_FailsBadOutput()
    {
        var ex = await FailAsync(WatModules.ClaimsOutput(0x7fff_ffff));
        Assert.Equal(WasmErrorCodes.BadOutput, ex.Code);
        Assert.Contains("limit", ex.Message);
    }

    [Fact]
    public async Task OutputOutsideMemory_FailsBadOutput()
    {
        var ex = await FailAsync(WatModules.ClaimsOutput(500_000));
        Assert.Equal(WasmErrorCodes.BadOutput, ex.Code);
        Assert.Contains("outside memory", ex.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"text":"x","unknown_field":1}""")]
    [InlineData("""{"_to":5}""")]
    public async Task MalformedOutput_FailsBadOutput(string output)
    {
        var ex = await FailAsync(WatModules.Constant(output));
        Assert.Equal(WasmErrorCodes.BadOutput, ex.Code);
    }

    [Fact]
    public async Task Timeout_WithAmpleFuel_FailsTimeoutPromptly()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var ex = await FailAsync(WatModules.InfiniteLoop, new JsonObject { ["fuel"] = 10_000_000_000_000, ["timeout_ms"] = 150 });
        Assert.Equal(WasmErrorCodes.Timeout, ex.Code);
        Assert.InRange(started.ElapsedMilliseconds, 100, 3_000);
        Assert.True(ex.Usage!.Fuel > 0);
    }

    [Fact]
    public async Task Cancellation_WhileLooping_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource(100);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RunAsync(WatModules.InfiniteLoop, new JsonObject { ["fuel"] = 10_000_000_000_000, ["timeout_ms"] = 30_000 }, ct: cts.Token));
        Assert.True(started.ElapsedMilliseconds < 3_000);
    }

    [Fact]
    public async Task Misbehaving_Call_DoesNotBlockOthers()
    {
        var services = new TestServices();
        var looping = Create(_factory, new JsonObject { ["wat"] = WatModules.InfiniteLoop, ["fuel"] = 10_000_000_000_000, ["timeout_ms"] = 5_000 }, services);
        var echo = Create(_factory, WatConfig(WatModules.Echo), services);
        var bad = Enumerable.Range(0, 2).Select(_ => Task.Run(() => looping.HandleAsync(Context(TextPayload("spin"), services), default).AsTask())).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var good = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => echo.HandleAsync(Context(TextPayload("call" + i, i), services), default).AsTask()));
        var goodElapsed = watch.ElapsedMilliseconds;
        Assert.All(good.Select((r, i) => (r, i)), x => Assert.Equal("call" + x.i, x.r.Emissions[0].Payload.Element("text")!.Value));
        // Served while the misbehaving calls were still spinning, not after them.
        Assert.True(bad.All(t => !t.IsCompleted), $"echo calls took {goodElapsed} ms: they waited for the spinning ones");
        foreach (var t in bad)
            Assert.Equal(WasmErrorCodes.Timeout, (await Assert.ThrowsAsync<HandlerException>(() => t)).Code);
    }

    [Fact]
    public async Task ParallelCalls_SameHandler_DoNotShareState()
    {
        var services = new TestServices();
        var echo = Create(_factory, WatConfig(WatModules.Echo), services);
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => echo.HandleAsync(Context(TextPayload(new string('x', i)), services), default).AsTask())));
        for (var i = 0; i < 64; i++)
            Assert.Equal(new string('x', i), results[i].Emissions[0].Payload.Element("text")!.Value);
    }
}
