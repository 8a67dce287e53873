using Nextra.Pump.Net;

namespace Nextra.Pump.Handlers.Http;

/// <summary>The <c>http</c> handler kind. Requests go through <c>IFlowServices.Egress</c>; <paramref name="egress"/> supplies the timeout clamp.</summary>
public sealed class HttpHandlerFactory(EgressOptions? egress = null) : IHandlerFactory
{
    private readonly EgressOptions _egress = egress ?? new EgressOptions();

    public string Kind => "http";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var config = HttpHandlerConfig.Parse(context.Listener.Config, problems);
        config.CheckPlaceholders(context.Flow, context.Listener, problems);
        if (!context.Flow.Payloads.ContainsKey(config.ResponsePayload))
            problems.Add(new HandlerConfigProblem("unknown_payload", $"response_payload '{config.ResponsePayload}' is not a declared payload class", "response_payload"));
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var config = HttpHandlerConfig.Parse(context.Listener.Config, problems);
        if (problems.Count > 0)
            throw new InvalidOperationException($"listener {context.Listener.Name}: {problems[0].Message}");
        return new HttpHandler(config, _egress);
    }
}
