using Nextra.Pump.Wasm;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>One runtime per test class, as the server has one per process.</summary>
public sealed class WasmRuntimeFixture : IDisposable
{
    public WasmRuntimeFixture()
    {
        CacheDir = Path.Combine(Path.GetTempPath(), "nextra-wasm-tests-" + Guid.NewGuid().ToString("N"));
        Runtime = new WasmRuntime(new WasmOptions { CacheDirectory = CacheDir, DefaultTimeoutMs = 5_000 });
    }

    public string CacheDir { get; }
    public WasmRuntime Runtime { get; }

    public void Dispose()
    {
        Runtime.Dispose();
        try { Directory.Delete(CacheDir, true); }
        catch (IOException) { }
    }
}
