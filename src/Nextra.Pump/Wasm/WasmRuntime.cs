using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Wasmtime;

namespace Nextra.Pump.Wasm;

/// <summary>
/// The process-wide WebAssembly runtime: one <see cref="Engine"/> (fuel + epoch interruption),
/// one thread ticking the epoch, compiled modules cached in memory and serialized on disk,
/// and one pre-defined <see cref="Linker"/> per capability set. Register as a singleton.
/// </summary>
public sealed class WasmRuntime : IDisposable
{
    // Part of the disk-cache key: a serialized module is only valid for the same engine build and settings.
    private const string EngineFingerprint = "wasmtime-50.0.1;fuel;epoch;cranelift-speed;grow-probe;v2";

    private readonly ConcurrentDictionary<string, CacheEntry> _modules = new();
    private long _useClock;
    private int _evicting;

    /// <summary>A cached compile and when it was last asked for (a logical clock, for LRU eviction).</summary>
    private sealed class CacheEntry(Lazy<WasmCompiledModule> module)
    {
        public Lazy<WasmCompiledModule> Module { get; } = module;
        public long LastUse;
    }
    private readonly ConcurrentDictionary<WasmCapabilities, Linker> _linkers = new();
    private readonly Thread _ticker;
    private readonly ManualResetEventSlim _stop = new(false);
    private int _disposed;

    public WasmRuntime(WasmOptions options)
    {
        Options = options;
        EnsureThreadsForRunawayCalls(options.MinWorkerThreads);
        // The Engine owns and disposes the Config.
        var config = new Wasmtime.Config()
            .WithFuelConsumption(true)
            .WithEpochInterruption(true)
            .WithOptimizationLevel(OptimizationLevel.Speed);
        if (options.PoolingInstances > 0)
        {
            var slots = (uint)options.PoolingInstances;
            config = config.WithPoolingAllocationStrategy(new PoolingAllocationConfig()
                .WithMaxCoreInstances(slots)
                .WithMaxMemories(slots)
                .WithMaxTables(slots * 4)
                .WithMaxMemorySize((nuint)((long)options.PoolingMaxMemoryMb * 1024 * 1024))
                .WithMaxCoreInstanceSize(2 << 20)
                .WithMaxUnusedWarmSlots(Math.Min(slots, 64))
                // Reset the first pages by memset instead of madvise, so a warm call does not page-fault on them.
                .WithLinearMemoryKeepResidentBytes(128 * 1024)
                .WithTableKeepResidentBytes(16 * 1024));
        }
        Engine = new Engine(config);
        if (options.CacheDirectory is { } dir)
            Directory.CreateDirectory(dir);
        // A dedicated thread rather than a pool timer: the pool is exactly what runaway guests
        // starve, and deadlines must still fire then.
        _ticker = new Thread(Tick) { IsBackground = true, Name = "nextra-wasm-epoch" };
        _ticker.Start();
    }

    public WasmOptions Options { get; }
    internal Engine Engine { get; }

    /// <summary>Modules compiled in this process (cache misses), for tests and diagnostics.</summary>
    public int CompileCount => _compileCount;
    /// <summary>Modules loaded from the disk cache instead of compiled.</summary>
    public int DiskHitCount => _diskHits;
    private int _compileCount;
    private int _diskHits;

    /// <summary>
    /// Compiles (or fetches from cache) a module. Throws <see cref="WasmModuleException"/> with
    /// <see cref="WasmErrorCodes.BadModule"/> for invalid code or a module missing the ABI exports.
    /// </summary>
    public WasmCompiledModule Compile(WasmCode code)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (code.Size > Options.MaxModuleBytes)
            throw new WasmModuleException(WasmErrorCodes.BadModule, $"module '{code.Name}' is {code.Size} bytes; the limit is {Options.MaxModuleBytes}");
        var key = CacheKey(code);
        var entry = _modules.GetOrAdd(key, k => new CacheEntry(new Lazy<WasmCompiledModule>(() => Load(k, code), LazyThreadSafetyMode.ExecutionAndPublication)));
        Volatile.Write(ref entry.LastUse, Interlocked.Increment(ref _useClock));
        WasmCompiledModule compiled;
        try
        {
            compiled = entry.Module.Value;
        }
        catch
        {
            // Do not cache failures: the same text may be fixed and resubmitted under another name.
            _modules.TryRemove(new KeyValuePair<string, CacheEntry>(key, entry));
            throw;
        }
        if (_modules.Count > Options.MaxCachedModules)
            EvictLeastRecentlyUsed();
        return compiled;
    }

    /// <summary>Compiled modules in the in-memory cache.</summary>
    public int CachedModuleCount => _modules.Count;

    /// <summary>
    /// Drops the least recently used entries until the cache is within its bound. An evicted module is not
    /// disposed: templates built from it keep it alive, and the GC releases it once none does.
    /// </summary>
    private void EvictLeastRecentlyUsed()
    {
        if (Interlocked.Exchange(ref _evicting, 1) != 0) return;
        try
        {
            var excess = _modules.Count - Options.MaxCachedModules;
            if (excess <= 0) return;
            foreach (var (key, entry) in _modules.OrderBy(kv => Volatile.Read(ref kv.Value.LastUse)).Take(excess).ToList())
                _modules.TryRemove(new KeyValuePair<string, CacheEntry>(key, entry));
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }

    /// <summary>A module plus the linker for the granted capabilities; imports are checked here, not at run time.</summary>
    public WasmModuleTemplate CreateTemplate(WasmCompiledModule module, WasmCapabilities granted)
    {
        var problems = module.CheckImports(granted);
        if (problems.Count > 0)
            throw new WasmModuleException(WasmErrorCodes.ImportDenied, string.Join("; ", problems));
        return new WasmModuleTemplate(this, module, LinkerFor(granted));
    }

    internal Linker LinkerFor(WasmCapabilities caps) => _linkers.GetOrAdd(caps, c =>
    {
        var linker = new Linker(Engine);
        WasmHostFunctions.Define(linker, c);
        return linker;
    });

    private WasmCompiledModule Load(string key, WasmCode code)
    {
        var path = Options.CacheDirectory is { } dir ? Path.Combine(dir, key + ".cwasm") : null;
        if (path is not null && File.Exists(path))
        {
            try
            {
                var cached = Module.Deserialize(Engine, code.Name, File.ReadAllBytes(path));
                Interlocked.Increment(ref _diskHits);
                return new WasmCompiledModule(code.Name, key, cached);
            }
            catch (WasmtimeException)
            {
                // A stale or damaged cache file: recompile and overwrite it.
            }
        }

        Module module;
        try
        {
            module = CompileWithGrowProbe(code) ?? (code.Binary is { } bin ? Module.FromBytes(Engine, code.Name, bin) : Module.FromText(Engine, code.Name, code.Text!));
        }
        catch (WasmtimeException ex)
        {
            throw new WasmModuleException(WasmErrorCodes.BadModule, $"module '{code.Name}' does not compile: {FirstLines(ex.Message, 6)}", ex);
        }
        Interlocked.Increment(ref _compileCount);
        var compiled = new WasmCompiledModule(code.Name, key, module);
        var abi = compiled.CheckAbi();
        if (abi.Count > 0)
        {
            module.Dispose();
            throw new WasmModuleException(WasmErrorCodes.BadModule, $"module '{code.Name}': {string.Join("; ", abi)}");
        }
        if (path is not null)
            TryWriteCache(path, module);
        return compiled;
    }

    /// <summary>
    /// The module with its <c>memory.grow</c>s recorded (<see cref="GrowProbe"/>); null when it cannot be
    /// instrumented or the instrumented copy does not compile, and the caller compiles the original, so
    /// errors are always reported on the code as written.
    /// </summary>
    private Module? CompileWithGrowProbe(WasmCode code)
    {
        byte[] binary;
        try
        {
            binary = code.Binary ?? Module.ConvertText(code.Text!);
        }
        catch (WasmtimeException)
        {
            return null;
        }
        if (GrowProbe.Instrument(binary) is not { } probed)
            return null;
        try
        {
            return Module.FromBytes(Engine, code.Name, probed);
        }
        catch (WasmtimeException)
        {
            return null;
        }
    }

    private static void TryWriteCache(string path, Module module)
    {
        try
        {
            var tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(tmp, module.Serialize());
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException)
        {
            // The cache is an optimisation; a read-only or full disk must not fail the flow.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string CacheKey(WasmCode code)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(EngineFingerprint + (code.Binary is null ? ";wat;" : ";wasm;")));
        sha.AppendData(code.Binary ?? Encoding.UTF8.GetBytes(code.Text!));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    internal static string FirstLines(string s, int n) => string.Join(" | ", s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(n).Select(l => l.Trim()));

    private void Tick()
    {
        while (!_stop.Wait(Options.EpochTickMs))
            Engine.IncrementEpoch();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop.Set();
        _ticker.Join();
        foreach (var linker in _linkers.Values)
            linker.Dispose();
        foreach (var entry in _modules.Values.Where(e => e.Module.IsValueCreated))
            entry.Module.Value.Module.Dispose();
        Engine.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// A guest call runs synchronously on a pool thread until it returns, runs out of fuel or hits its
    /// epoch deadline. On a 2-core machine the pool starts with 2 workers and adds about one more per
    /// half second, so two runaway code blocks would stall every other flow's handlers until their
    /// deadline. Raising the pool's floor lets new workers start at once instead.
    /// </summary>
    private static void EnsureThreadsForRunawayCalls(int minWorkers)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < minWorkers)
            ThreadPool.SetMinThreads(minWorkers, io);
    }
}
