using Nextra.Pump.Llm;

namespace Nextra.Pump.Handlers.Llm;

/// <summary>
/// <c>handler: llm</c>: prompt → router → lenient output routing, with the thread's token budget
/// checked before and consumed after, tokens streamed live and usage/cost recorded on the step.
/// </summary>
public sealed class LlmHandler(LlmHandlerConfig config, LlmRouter router, PayloadExtractor extractor, LlmPriceTable prices) : IHandler
{
    private static readonly int[] Warned = [75, 90, 95];

    /// <summary>The incoming payload's fields under the first peer's class (or the payload itself without peers).</summary>
    internal static string EchoOf(HandlerContext context)
    {
        var peer = context.Peers.FirstOrDefault();
        if (peer is null)
            return context.Payload.ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
        return new System.Xml.Linq.XElement(peer.PayloadClass, context.Payload.Elements()).ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
    }

    public async ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var messages = PromptBuilder.Build(context, config.ReplyPayload);
        var request = new ChatRequest
        {
            Model = config.Model,
            Messages = messages,
            Temperature = config.Temperature,
            MaxTokens = config.MaxTokens,
            Stream = config.Stream,
            Echo = () => EchoOf(context),
        };
        var services = context.Services;
        var thread = context.Metadata.ThreadId;
        var listener = context.Listener.Name;
        // §9.23: chars/4, at least 100, checked before the call.
        services.Budget.Check(thread, Math.Max(100, messages.Sum(m => m.Content.Length) / 4));

        Action<string>? onToken = config.Stream ? t => services.Events.Token(context.RunId, context.StepIndex, listener, t) : null;
        void Log(string level, string message) => services.Events.Log(context.RunId, context.StepIndex, listener, level, message);

        var completion = await router.CompleteAsync(request, services, onToken, Log, ct).ConfigureAwait(false);
        var backend = router.Backends.FirstOrDefault(b => b.Name == completion.Backend);
        var usage = new StepUsage
        {
            PromptTokens = completion.PromptTokens,
            CompletionTokens = completion.CompletionTokens,
            Model = completion.Model,
            Backend = completion.Backend,
            CostUsd = prices.Estimate(backend?.Provider ?? "", completion.Model, completion.PromptTokens, completion.CompletionTokens),
        };
        foreach (var percent in services.Budget.Consume(thread, completion.PromptTokens + completion.CompletionTokens))
        {
            var level = percent >= Warned[^1] ? "error" : "warning";
            Log(level, $"token budget {percent} % used on thread {thread} ({services.Budget.Remaining(thread)} tokens left)");
        }

        PayloadExtraction extraction;
        try
        {
            extraction = extractor(completion.Text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new HandlerException(OutputRouter.Unroutable, $"the LLM reply could not be read: {e.Message}", e) { Usage = usage };
        }
        var routed = OutputRouter.Route(completion.Text, extraction, context, config.ReplyPayload);
        foreach (var note in routed.Notes)
            Log("info", note);
        if (routed.Emissions.Count == 0)
        {
            var preview = completion.Text.Length > 200 ? completion.Text[..200] + "…" : completion.Text;
            throw new HandlerException(OutputRouter.Unroutable, $"the LLM reply has no payload a listener accepts and no text: \"{preview}\"") { Usage = usage };
        }
        return new HandlerResult(routed.Emissions, usage);
    }
}
