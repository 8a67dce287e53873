using System.Text.Json.Nodes;
using Nextra.Modules.Common;
using Nextra.Pump.Config;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Triggers;

/// <summary>
/// Refuses a webhook or inject body the flow would fail anyway, before the intake writes or counts it: 422
/// <c>payload_too_deep</c> past <c>[triggers] max_xml_depth</c>, 422 <c>validation_failed</c> when it does not fit the
/// target's payload class. The check is the pump's own reading of an injection, on the flow's compiled definition.
/// </summary>
internal static class PayloadGate
{
    public const string TooDeepCode = "payload_too_deep";

    public static void Ensure(FlowDefinition? flow, string? target, string? payloadClass, string? xml, JsonObject? json, int maxXmlDepth)
    {
        if (flow is null) return; // not compiled here (e.g. the flow failed to start): the pump judges it
        var injection = new Injection { Target = target, PayloadClass = payloadClass, PayloadXml = xml, PayloadJson = json };
        if (InjectionPayload.Check(flow, injection, maxXmlDepth) is not { } problem) return;
        var tooDeep = problem.Code == InjectionPayload.TooDeep;
        var ex = tooDeep
            ? new ApiException(422, TooDeepCode, "Payload too deep", problem.Message)
            : new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed", problem.Message);
        ex.Extensions["errors"] = new[] { new FieldError("payload", problem.Code, problem.Message) };
        throw ex;
    }
}
