using System.Text;
using Nextra.Pump.Handlers;
using Wasmtime;

namespace Nextra.Pump.Wasm;

/// <summary>
/// The host functions of module <c>nextra</c>. They are defined once per capability set on a
/// store-independent Linker and find their per-call state through <see cref="Caller.GetData"/>.
/// </summary>
internal static partial class WasmHostFunctions
{
    private static readonly Dictionary<string, (ValueKind[] Params, ValueKind[] Results)> Signatures = new()
    {
        ["log"] = ([ValueKind.Int32, ValueKind.Int32], []),
        ["kv_get"] = ([ValueKind.Int32, ValueKind.Int32], [ValueKind.Int64]),
        ["kv_set"] = ([ValueKind.Int32, ValueKind.Int32, ValueKind.Int32, ValueKind.Int32], [ValueKind.Int32]),
        ["kv_delete"] = ([ValueKind.Int32, ValueKind.Int32], [ValueKind.Int32]),
        ["http_fetch"] = ([ValueKind.Int32, ValueKind.Int32], [ValueKind.Int64]),
    };

    public static bool SignatureMatches(string name, IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results) =>
        Signatures.TryGetValue(name, out var sig) && parameters.SequenceEqual(sig.Params) && results.SequenceEqual(sig.Results);

    public static string Signature(string name) => Signatures.TryGetValue(name, out var sig)
        ? $"({string.Join(", ", sig.Params.Select(Wat))}) -> ({string.Join(", ", sig.Results.Select(Wat))})"
        : "unknown";

    private static string Wat(ValueKind k) => k == ValueKind.Int64 ? "i64" : "i32";

    public static void Define(Linker linker, WasmCapabilities caps)
    {
        const string m = WasmCapabilityNames.HostModule;
        if (caps.HasFlag(WasmCapabilities.Log))
            linker.DefineFunction(m, "log", new CallerAction<int, int>(Log));
        if (caps.HasFlag(WasmCapabilities.Kv))
        {
            linker.DefineFunction(m, "kv_get", new CallerFunc<int, int, long>(KvGet));
            linker.DefineFunction(m, "kv_set", new CallerFunc<int, int, int, int, int>(KvSet));
            linker.DefineFunction(m, "kv_delete", new CallerFunc<int, int, int>(KvDelete));
        }
        if (caps.HasFlag(WasmCapabilities.Http))
            linker.DefineFunction(m, "http_fetch", new CallerFunc<int, int, long>(HttpFetch));
    }

    private static WasmCallState State(Caller caller)
    {
        var state = caller.GetData() as WasmCallState ?? throw new WasmHostTrapException("host function called outside a Nextra call");
        // A host call is where the guest may wait (http_fetch, kv): report the memory it holds meanwhile.
        if (state.Memory is { } held && caller.GetMemory("memory") is { } memory) held.Set(memory.GetLength());
        return state;
    }

    private static void Log(Caller caller, int ptr, int len)
    {
        var state = State(caller);
        var text = ReadString(caller, ptr, len, state.Options.MaxLogLineChars * 4);
        if (state.Logs.Count >= state.Options.MaxLogLinesPerCall)
            return;
        if (text.Length > state.Options.MaxLogLineChars)
            text = text[..state.Options.MaxLogLineChars] + "…";
        state.Logs.Add(text);
        state.Services?.Events.Log(state.RunId, state.StepIndex, state.Listener, "info", text);
    }

    private static long KvGet(Caller caller, int keyPtr, int keyLen)
    {
        var state = State(caller);
        var key = ReadString(caller, keyPtr, keyLen, 1024);
        if (state.Services?.Memory is not { } memory)
            return -1;
        var value = Block(memory.GetAsync(key, state.CancellationToken));
        return value is null ? -1 : WriteToGuest(caller, state, value);
    }

    /// <summary>0 stored; -1 the flow has no project memory; -2 refused by the store (e.g. quota).</summary>
    private static int KvSet(Caller caller, int keyPtr, int keyLen, int valPtr, int valLen)
    {
        var state = State(caller);
        var key = ReadString(caller, keyPtr, keyLen, 1024);
        var value = ReadBytes(caller, valPtr, valLen, int.MaxValue);
        if (state.Services?.Memory is not { } memory)
            return -1;
        try
        {
            Block(memory.SetAsync(key, value, state.CancellationToken));
            return 0;
        }
        catch (HandlerException)
        {
            return -2;
        }
    }

    /// <summary>1 deleted; 0 absent; -1 the flow has no project memory.</summary>
    private static int KvDelete(Caller caller, int keyPtr, int keyLen)
    {
        var state = State(caller);
        var key = ReadString(caller, keyPtr, keyLen, 1024);
        if (state.Services?.Memory is not { } memory)
            return -1;
        return Block(memory.DeleteAsync(key, state.CancellationToken)) ? 1 : 0;
    }

    internal static ReadOnlySpan<byte> Span(Caller caller, int ptr, int len, int max)
    {
        var mem = caller.GetMemory("memory") ?? throw new WasmHostTrapException("module has no exported memory");
        if (len < 0 || len > max || (uint)ptr + (ulong)(uint)len > (ulong)mem.GetLength())
            throw new WasmHostTrapException($"host call with out-of-bounds or oversized buffer (ptr {(uint)ptr}, len {len})");
        return mem.GetSpan(ptr, len);
    }

    private static string ReadString(Caller caller, int ptr, int len, int max) => Encoding.UTF8.GetString(Span(caller, ptr, len, max));

    private static byte[] ReadBytes(Caller caller, int ptr, int len, int max) => Span(caller, ptr, len, max).ToArray();

    /// <summary>Copies bytes into guest memory obtained from the guest's own <c>alloc</c>; returns (ptr << 32) | len.</summary>
    internal static long WriteToGuest(Caller caller, WasmCallState state, ReadOnlySpan<byte> bytes)
    {
        state.Alloc ??= caller.GetFunction("alloc")?.WrapFunc<int, int>() ?? throw new WasmHostTrapException("module has no 'alloc' export");
        var ptr = state.Alloc(bytes.Length);
        var mem = caller.GetMemory("memory")!;
        if ((uint)ptr + (ulong)bytes.Length > (ulong)mem.GetLength())
            throw new WasmHostTrapException($"alloc({bytes.Length}) returned an out-of-bounds pointer {(uint)ptr}");
        bytes.CopyTo(mem.GetSpan(ptr, bytes.Length));
        return ((long)(uint)ptr << 32) | (uint)bytes.Length;
    }

    // WebAssembly calls into the host synchronously and Wasmtime's .NET API has no async
    // host functions, so a host call that does I/O has to block this (pool) thread. Calls run
    // under Task.Run with an epoch deadline and the call's CancellationToken bounds the wait.
    private static T Block<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    private static void Block(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
            task.AsTask().GetAwaiter().GetResult();
    }
}
