using System.Runtime.CompilerServices;
using Nextra.Pump.Config;
using Nextra.Pump.Llm;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Handlers.Llm;

/// <summary>
/// The <c>llm</c> handler kind. One <see cref="LlmRouter"/> per flow definition (shared by its agents, so
/// max_concurrent, rate limits and round-robin state are per flow); a reload builds a new definition and so
/// a fresh router.
/// </summary>
public sealed class LlmHandlerFactory : IHandlerFactory
{
    private readonly ConditionalWeakTable<FlowDefinition, LlmRouter> _routers = new();
    private readonly PayloadExtractor _extractor;
    private readonly LlmPriceTable _prices;
    private readonly Func<string, string?>? _environment;
    private readonly TimeSpan? _maxTimeout;

    /// <param name="extractor">Lenient payload reader; defaults to the pump's XmlRepair.</param>
    /// <param name="prices">Cost table; defaults to <see cref="LlmPriceTable.Default"/>.</param>
    /// <param name="environment">Lookup for <c>api_key_env</c>; defaults to the process environment.</param>
    /// <param name="egress">The operator's egress options: backend timeouts are clamped to its MaxTimeout.</param>
    public LlmHandlerFactory(PayloadExtractor? extractor = null, LlmPriceTable? prices = null, Func<string, string?>? environment = null,
        Net.EgressOptions? egress = null)
    {
        _maxTimeout = egress?.MaxTimeout;
        _extractor = extractor ?? ExtractWithXmlRepair;
        _prices = prices ?? LlmPriceTable.Default;
        _environment = environment;
    }

    public string Kind => "llm";

    /// <summary>The pump's lenient reader (the library's "dummy wrapping" with repair).</summary>
    public static PayloadExtraction ExtractWithXmlRepair(string text)
    {
        var (payloads, repairs, outside) = XmlRepair.ExtractPayloads(text);
        return new PayloadExtraction(payloads, repairs, outside);
    }

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var config = LlmHandlerConfig.Parse(context.Listener.Config, problems);
        var flow = context.Flow;
        if (flow.Llm is null || flow.Llm.Backends.Count == 0)
            problems.Add(new HandlerConfigProblem("llm_no_backends", "an llm listener needs an llm: section with at least one backend"));
        else if (config.Model.Length > 0)
        {
            var router = new LlmRouter(flow.Llm, TimeProvider.System);
            if (!router.Backends.Any(b => b.Serves(config.Model)))
                problems.Add(new HandlerConfigProblem("llm_model_unserved",
                    $"no backend serves model '{config.Model}' (give a backend models: [\"{config.Model}\"] or a base_url)", "model"));
            foreach (var b in flow.Llm.Backends.Where(b => b.Provider is not ("openai" or "xai" or "anthropic" or "ollama" or "mock")))
                problems.Add(new HandlerConfigProblem("llm_unknown_provider", $"unknown provider '{b.Provider}' (openai, xai, anthropic, ollama, mock)"));
        }
        if (!flow.Payloads.ContainsKey(config.ReplyPayload))
            problems.Add(new HandlerConfigProblem("unknown_payload", $"reply_payload '{config.ReplyPayload}' is not a declared payload class", "reply_payload"));
        else if (OutputRouter.ReplyField(flow, config.ReplyPayload) is null)
            problems.Add(new HandlerConfigProblem("invalid_value", $"reply_payload '{config.ReplyPayload}' needs a string field to hold the text", "reply_payload"));
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var config = LlmHandlerConfig.Parse(context.Listener.Config, problems);
        var section = context.Flow.Llm ?? throw new InvalidOperationException($"listener {context.Listener.Name}: flow has no llm section");
        var router = _routers.GetValue(context.Flow, _ => new LlmRouter(section, context.Services.Time, _environment, maxTimeout: _maxTimeout));
        return new LlmHandler(config, router, _extractor, _prices);
    }
}
