using System.Diagnostics;
using Nextra.Pump.Handlers;
using Wasmtime;

namespace Nextra.Pump.Wasm;

/// <summary>
/// A compiled module with its linker for the granted capabilities: a warm call is
/// new Store + instantiate + alloc + write input + handle + read output + dispose.
/// Thread-safe; every call gets its own Store, so calls share nothing.
/// </summary>
public sealed class WasmModuleTemplate
{
    // Static so the Store keeps no closure alive; the state travels as the store's data.
    private static readonly Store.EpochDeadlineCallback OnEpoch = EpochCheck;

    private readonly WasmRuntime _runtime;
    private readonly Linker _linker;

    internal WasmModuleTemplate(WasmRuntime runtime, WasmCompiledModule module, Linker linker)
    {
        _runtime = runtime;
        Module = module;
        _linker = linker;
    }

    public WasmCompiledModule Module { get; }

    /// <summary>
    /// Runs <c>handle</c> on <paramref name="input"/> (UTF-8 JSON). Failures throw
    /// <see cref="HandlerException"/> with a <c>wasm_*</c> code and the fuel burnt in <c>Usage</c>;
    /// cancellation of <see cref="WasmCallState.CancellationToken"/> throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public WasmCallResult Invoke(ReadOnlySpan<byte> input, WasmCallLimits limits, WasmCallState state)
    {
        state.CancellationToken.ThrowIfCancellationRequested();
        state.Options = _runtime.Options;
        state.DeadlineTimestamp = Stopwatch.GetTimestamp() + (long)(limits.Timeout.TotalSeconds * Stopwatch.Frequency);
        using var store = new Store(_runtime.Engine, state);
        store.Fuel = limits.Fuel;
        store.SetLimits(memorySize: limits.MemoryBytes, tableElements: 100_000, instances: 1, tables: 4, memories: 1);
        // Deadline one tick ahead, re-armed by the callback, so cancellation is seen within a tick too.
        store.SetEpochDeadline(1);
        store.SetEpochDeadlineCallback(OnEpoch);
        Wasmtime.Memory? memory = null;
        Instance? instance = null;
        try
        {
            instance = _linker.Instantiate(store, Module.Module);
            memory = instance.GetMemory("memory")!;
            var alloc = instance.GetFunction<int, int>("alloc")!;
            var handle = instance.GetFunction<int, int, long>("handle")!;
            state.Alloc = alloc;

            var inPtr = alloc(input.Length);
            if ((uint)inPtr + (ulong)input.Length > (ulong)memory.GetLength())
                throw Fail(WasmErrorCodes.MemoryLimit, $"alloc({input.Length}) returned {(uint)inPtr}, outside memory: the input does not fit", store, limits);
            input.CopyTo(memory.GetSpan(inPtr, input.Length));
            state.Memory?.Set(memory.GetLength());

            var packed = handle(inPtr, input.Length);
            var outPtr = (uint)((ulong)packed >> 32);
            var outLen = (uint)packed;
            if (outLen > (uint)_runtime.Options.MaxOutputBytes)
                throw Fail(WasmErrorCodes.BadOutput, $"output is {outLen} bytes; the limit is {_runtime.Options.MaxOutputBytes}", store, limits);
            if (outPtr + (ulong)outLen > (ulong)memory.GetLength())
                throw Fail(WasmErrorCodes.BadOutput, $"handle returned ptr {outPtr} len {outLen}, outside memory ({memory.GetLength()} bytes)", store, limits);
            var output = memory.GetSpan((int)outPtr, (int)outLen).ToArray();
            return new WasmCallResult(output, Used(store, limits));
        }
        catch (TrapException ex)
        {
            throw Classify(ex, ex.Type, store, limits, memory, RefusedGrowPages(instance), state);
        }
        catch (WasmtimeException ex)
        {
            throw Classify(ex, null, store, limits, memory, RefusedGrowPages(instance), state);
        }
        finally
        {
            state.Memory?.Set(0); // the store and its memory go with this call
        }
    }

    /// <summary>Pages the last refused <c>memory.grow</c> asked for (0: none refused); null when the module carries no probe.</summary>
    private static long? RefusedGrowPages(Instance? instance) =>
        instance?.GetGlobal(GrowProbe.RefusedExport)?.GetValue() is int pages ? (uint)pages : null;

    private static ulong EpochCheck(Store store)
    {
        var state = (WasmCallState)store.GetData()!;
        if (state.CancellationToken.IsCancellationRequested)
        {
            state.Cancelled = true;
            throw new WasmInterruptException();
        }
        if (Stopwatch.GetTimestamp() >= state.DeadlineTimestamp)
        {
            state.TimedOut = true;
            throw new WasmInterruptException();
        }
        return 1;
    }

    private static Exception Classify(WasmtimeException ex, TrapCode? trap, Store store, WasmCallLimits limits, Wasmtime.Memory? memory,
        long? refusedPages, WasmCallState state)
    {
        if (state.Cancelled || (ex.InnerException is OperationCanceledException && state.CancellationToken.IsCancellationRequested))
            return new OperationCanceledException("code block cancelled", ex, state.CancellationToken);
        if (state.TimedOut || trap == TrapCode.Interrupt)
            return Charged(WasmErrorCodes.Timeout, $"exceeded its time limit of {limits.Timeout.TotalMilliseconds:0} ms", store, limits, ex);
        if (trap == TrapCode.OutOfFuel || (trap is not null && store.Fuel == 0))
            return Charged(WasmErrorCodes.OutOfFuel, $"ran out of fuel ({limits.Fuel} units)", store, limits, ex);
        if (ex.InnerException is WasmHostTrapException host)
            return Charged(WasmErrorCodes.Trap, host.Message, store, limits, ex);
        if (memory is null && ex.Message.Contains("concurrent", StringComparison.OrdinalIgnoreCase) && ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
            return Fail(WasmErrorCodes.Busy, $"too many code blocks running at once: {WasmRuntime.FirstLines(ex.Message, 1)}", store, limits, ex);
        if (memory is null && ex.Message.Contains("memory", StringComparison.OrdinalIgnoreCase) && ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
            return Charged(WasmErrorCodes.MemoryLimit, $"module needs more memory than the {limits.MemoryBytes / (1024 * 1024)} MiB limit: {WasmRuntime.FirstLines(ex.Message, 1)}", store, limits, ex);
        // memory.grow past the limit returns -1 rather than trapping; a guest that then traps the way an
        // allocator gives up (unreachable, or a write past the end it assumed was grown) is reported as the memory
        // limit it hit. The probe records the refusal; a module without one falls back to "within a page of the cap".
        if (refusedPages is > 0 && trap is (TrapCode.Unreachable or TrapCode.MemoryOutOfBounds) && memory is not null)
            return Charged(WasmErrorCodes.MemoryLimit,
                $"memory.grow of {refusedPages} pages ({refusedPages * 64} KiB) was refused at {memory.GetLength() / 1024} KiB in use, over the limit of "
                + $"{limits.MemoryBytes / (1024 * 1024)} MiB, and the module then trapped ({TrapName(trap)})", store, limits, ex);
        if (refusedPages is null && trap is not null && trap != TrapCode.StackOverflow && memory is not null && memory.GetLength() + 65536 > limits.MemoryBytes)
            return Charged(WasmErrorCodes.MemoryLimit, $"reached the memory limit of {limits.MemoryBytes / (1024 * 1024)} MiB ({TrapName(trap)})", store, limits, ex);
        var what = trap == TrapCode.StackOverflow ? "stack overflow (recursion too deep)" : TrapName(trap);
        return Charged(WasmErrorCodes.Trap, $"trapped: {what}: {WasmRuntime.FirstLines(ex.Message, 3)}", store, limits, ex);
    }

    private static string TrapName(TrapCode? trap) => trap?.ToString() ?? "error";

    private static ulong Used(Store store, WasmCallLimits limits) => limits.Fuel - Math.Min(limits.Fuel, store.Fuel);

    private static HandlerException Fail(string code, string message, Store store, WasmCallLimits limits, Exception? inner = null) =>
        new(code, message, inner) { Usage = new StepUsage { Fuel = Used(store, limits) } };

    /// <summary>
    /// A trap, an out-of-fuel trap or a timeout costs the whole call budget (R10), not what was burnt before it: work a module
    /// hides before trapping is never free (wasmtime#13802: fuel spent before a trap can go unrecorded).
    /// </summary>
    private static HandlerException Charged(string code, string message, Store store, WasmCallLimits limits, Exception? inner = null) =>
        new(code, message, inner) { Usage = new StepUsage { Fuel = limits.Fuel } };
}
