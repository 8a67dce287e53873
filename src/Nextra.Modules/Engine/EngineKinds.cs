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
    private readonly bool _ownsWasm;

    /// <param name="wasm">A runtime to share (the server's singleton); null = create and own one.</param>
    public EngineKinds(EngineSettings settings, IWasmModuleSource? modules = null, WasmRuntime? wasm = null, AscCompiler? asc = null)
    {
        Settings = settings;
        _ownsWasm = wasm is null;
        Wasm = wasm ?? new WasmRuntime(settings.Wasm);
        Asc = asc ?? new AscCompiler(settings.Asc);
        Egress = EgressHttp.CreateClient(settings.Egress);
        _egressWithTraceContext = new Lazy<HttpClient>(() => EgressHttp.CreateClient(settings.Egress, propagateTraceContext: true));
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

    /// <summary>The same guarded client, also sending the W3C trace context (flows with <c>propagate_trace_context: true</c>).</summary>
    public HttpClient EgressWithTraceContext => _egressWithTraceContext.Value;
    private readonly Lazy<HttpClient> _egressWithTraceContext;
    public IReadOnlyList<IHandlerFactory> Factories { get; }
    public HandlerRegistry Registry { get; }

    /// <summary>The same kinds with code blocks resolving <c>module:</c> from <paramref name="modules"/> (one tenant's registry).</summary>
    public HandlerRegistry RegistryFor(IWasmModuleSource modules) =>
        new HandlerRegistry(Factories).Register(new CodeHandlerFactory(Wasm, modules, Asc));

    public void Dispose()
    {
        Egress.Dispose();
        if (_egressWithTraceContext.IsValueCreated)
            _egressWithTraceContext.Value.Dispose();
        if (_ownsWasm)
            Wasm.Dispose();
    }
}
