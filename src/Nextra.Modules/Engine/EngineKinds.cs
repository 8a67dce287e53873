using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Handlers.Dotnet;
using Nextra.Pump.Handlers.Http;
using Nextra.Pump.Handlers.Llm;
using Nextra.Pump.Net;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Modules.Engine;

/// <summary>
/// The handler kinds the server and the CLI offer beyond the pump's built-ins (llm, http, code,
/// dotnet), built once from <see cref="EngineSettings"/>, plus the guarded egress client every
/// flow's outbound HTTP goes through. One per process: it owns the Wasmtime engine.
/// </summary>
public sealed class EngineKinds : IDisposable
{
    public EngineKinds(EngineSettings settings, IWasmModuleSource? modules = null)
    {
        Settings = settings;
        Wasm = new WasmRuntime(settings.Wasm);
        Asc = new AscCompiler(settings.Asc);
        Egress = EgressHttp.CreateClient(settings.Egress);
        Factories =
        [
            new LlmHandlerFactory(egress: settings.Egress),
            new HttpHandlerFactory(settings.Egress),
            new CodeHandlerFactory(Wasm, modules, Asc),
            new DotnetPluginFactory(settings.Plugins),
        ];
        Registry = new HandlerRegistry(Factories);
    }

    public EngineSettings Settings { get; }
    public WasmRuntime Wasm { get; }
    public AscCompiler Asc { get; }
    /// <summary>The SSRF-guarded client (private, loopback, link-local and metadata addresses refused unless allow-listed).</summary>
    public HttpClient Egress { get; }
    public IReadOnlyList<IHandlerFactory> Factories { get; }
    public HandlerRegistry Registry { get; }

    public void Dispose()
    {
        Egress.Dispose();
        Wasm.Dispose();
    }
}
