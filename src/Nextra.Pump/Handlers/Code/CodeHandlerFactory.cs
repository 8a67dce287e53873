using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Pump.Handlers.Code;

/// <summary>
/// <c>handler: code</c>: a WebAssembly code block (registered module, inline WAT or inline
/// AssemblyScript). Validation compiles the module and checks its imports against the granted
/// capabilities, so a denied import fails when the flow is saved, never at run time.
/// Cheap to construct: the host may build one per tenant with a tenant-scoped module source.
/// </summary>
public sealed class CodeHandlerFactory : IHandlerFactory
{
    private readonly WasmRuntime _runtime;
    private readonly IWasmModuleSource? _modules;
    private readonly AscCompiler? _compiler;
    private readonly WasmTierLimits _tier;

    /// <param name="runtime">The process-wide runtime (singleton).</param>
    /// <param name="modules">Registered modules for <c>module:</c>; null disables that form.</param>
    /// <param name="compiler">AssemblyScript builds for <c>source:</c>; null disables that form.</param>
    /// <param name="tier">Caps for fuel / memory / timeout; null = <see cref="WasmTierLimits.Unlimited"/>.</param>
    public CodeHandlerFactory(WasmRuntime runtime, IWasmModuleSource? modules = null, AscCompiler? compiler = null, WasmTierLimits? tier = null)
    {
        _runtime = runtime;
        _modules = modules;
        _compiler = compiler;
        _tier = tier ?? WasmTierLimits.Unlimited;
    }

    public string Kind => "code";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var config = CodeBlockConfig.Parse(context.Listener.Config, problems);
        if (config is null)
            return problems;
        if (config.Output is { } output && !context.Flow.Payloads.ContainsKey(output))
            problems.Add(new("unknown_payload_class", $"output class '{output}' is not declared under payloads", "output"));
        if (config.Capabilities.HasFlag(WasmCapabilities.Kv) && !context.Flow.ProjectMemory)
            problems.Add(new("kv_needs_project_memory", "capability 'kv' needs the flow to opt in to project memory", "capabilities"));
        if (config.ModuleName is not null && _modules is null)
            return problems; // a server factory has no tenant here: the tenant-aware check ran on save, Create resolves it
        try
        {
            var (code, record) = ResolveCode(config, context.Listener.Name, _modules);
            var module = _runtime.Compile(code);
            problems.AddRange(module.CheckImports(record?.Grants ?? config.Capabilities).Select(p => new HandlerConfigProblem(WasmErrorCodes.ImportDenied, p, KeyOf(config))));
        }
        catch (WasmModuleException ex)
        {
            problems.Add(new(ex.Code, ex.Message, KeyOf(config)));
        }
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var config = CodeBlockConfig.Parse(context.Listener.Config, problems)
            ?? throw new InvalidOperationException($"listener '{context.Listener.Name}': {string.Join("; ", problems.Select(p => p.Message))}");
        WasmCode code;
        WasmModuleRecord? record;
        try
        {
            (code, record) = ResolveCode(config, context.Listener.Name, context.Services.Modules ?? _modules);
        }
        catch (WasmModuleException ex) when (ex.Code is "digest_mismatch" or "signature_invalid" or "tool_revoked" or "key_revoked" or "namespace_mismatch")
        {
            // A tampered or revoked marketplace tool never runs: its steps fail with the refusal's code.
            return new RefusedCodeHandler(ex.Code, ex.Message);
        }
        var template = _runtime.CreateTemplate(_runtime.Compile(code), record?.Grants ?? config.Capabilities);
        // The flow owner's tier (server) wins over the factory's caps (CLI / tests), so one shared registry serves every tenant;
        // a marketplace tool's manifest limits cap it further: effective = min(flow, manifest, tier).
        var tier = context.Services.WasmLimits ?? _tier;
        if (record?.Limits is { } manifest)
            tier = new WasmTierLimits(Math.Min(tier.MaxFuel, manifest.MaxFuel), Math.Min(tier.MaxMemoryMb, manifest.MaxMemoryMb), Math.Min(tier.MaxTimeoutMs, manifest.MaxTimeoutMs));
        var limits = WasmCallLimits.Resolve(_runtime.Options, tier, config.Fuel, config.MemoryMb, config.TimeoutMs);
        return new CodeHandler(template, limits, config.Output, record?.AllowsUrl, record?.Secrets);
    }

    private (WasmCode Code, WasmModuleRecord? Record) ResolveCode(CodeBlockConfig config, string listener, IWasmModuleSource? modules)
    {
        if (config.Wat is { } wat)
            return (WasmCode.FromText($"inline:{listener}", wat), null);
        if (config.Source is { } source)
        {
            if (_compiler is null)
                throw new WasmModuleException("asc_unavailable", "AssemblyScript source is not supported here (no compiler configured)");
            var build = _compiler.Build(source);
            if (!build.Success)
                throw new WasmModuleException("asc_error", $"AssemblyScript build failed: {build.Summary}");
            return (WasmCode.FromBinary($"source:{listener}", build.Wasm!), null);
        }
        if (modules is null)
            throw new WasmModuleException("module_not_found", "registered modules are not available here");
        var record = modules.Find(config.ModuleName!, config.ModuleVersion)
            ?? throw new WasmModuleException("module_not_found",
                $"no module '{config.ModuleName}'{(config.ModuleVersion is null ? "" : $" version '{config.ModuleVersion}'")} is registered");
        return (record.Code, record);
    }

    /// <summary>A code block whose module was refused at load (tampered or revoked): every call fails with that code.</summary>
    private sealed class RefusedCodeHandler(string code, string message) : IHandler
    {
        public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct) => throw new HandlerException(code, message);
    }

    private static string KeyOf(CodeBlockConfig c) => c.Wat is not null ? "wat" : c.Source is not null ? "source" : "module";
}
