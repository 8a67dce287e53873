using System.Text;
using Nextra.Pump.Wasm;

namespace Nextra.Pump.Handlers.Code;

/// <summary>Runs one code block per payload: payload → JSON → module → JSON → emission.</summary>
public sealed class CodeHandler : IHandler
{
    private readonly WasmModuleTemplate _template;
    private readonly string? _outputClass;
    private readonly Func<Uri, bool>? _allowsUrl;
    private readonly IReadOnlyList<WasmSecretGrant>? _secrets;

    internal CodeHandler(WasmModuleTemplate template, WasmCallLimits limits, string? outputClass, Func<Uri, bool>? allowsUrl = null,
        IReadOnlyList<WasmSecretGrant>? secrets = null)
    {
        _template = template;
        _allowsUrl = allowsUrl;
        _secrets = secrets;
        Limits = limits;
        _outputClass = outputClass;
    }

    /// <summary>The effective per-call limits (after defaults and tier caps).</summary>
    public WasmCallLimits Limits { get; }

    public async ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var input = Encoding.UTF8.GetBytes(context.Schema.ToJson(context.Payload).ToJsonString());
        var state = new WasmCallState(context.Services, context.RunId, context.StepIndex, context.Listener.Name, ct) { AllowsUrl = _allowsUrl, Secrets = _secrets, Memory = context.Memory };
        // Guest code is synchronous and may run up to its timeout: keep it off the caller's thread
        // so the pump's dispatch loop never waits on a module.
        var result = await Task.Run(() => _template.Invoke(input, Limits, state), ct).ConfigureAwait(false);
        return CodeOutputMapper.Map(result.Output, context, _outputClass, new StepUsage { Fuel = result.FuelUsed });
    }
}
