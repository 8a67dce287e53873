namespace Nextra.Modules.Flows;

/// <summary>
/// Asked before a stopped flow is started through the API (start, or an inject that wakes it). A check that refuses
/// throws an <see cref="Common.ApiException"/> the caller can act on (e.g. 409 <c>secrets_unbound</c> naming the secrets);
/// a flow already running is never stopped by one. Other modules implement it (the Marketplace: a flow created from a
/// template is incomplete until its secrets are bound).
/// </summary>
public interface IFlowStartCheck
{
    Task CheckStartAsync(FlowSnapshot flow, CancellationToken ct);
}
