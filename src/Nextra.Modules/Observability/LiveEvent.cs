using System.Text.Json.Serialization;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// A live event of a tenant's flow: what the browser follows (run and step updates, streamed LLM tokens, flow
/// status, log lines). Serializable, so a backplane can carry it between instances.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(FlowStatusEvent), "flowStatus")]
[JsonDerivedType(typeof(RunUpdatedEvent), "runUpdated")]
[JsonDerivedType(typeof(StepUpdatedEvent), "stepUpdated")]
[JsonDerivedType(typeof(TokenEvent), "token")]
[JsonDerivedType(typeof(LogEvent), "log")]
public abstract record LiveEvent(string TenantId, string FlowId);

public sealed record FlowStatusEvent(string TenantId, string FlowId, string Status, string? Error) : LiveEvent(TenantId, FlowId);

public sealed record RunUpdatedEvent(string TenantId, string FlowId, RunSummary Run) : LiveEvent(TenantId, FlowId);

public sealed record StepUpdatedEvent(string TenantId, string FlowId, string RunId, RunStep Step) : LiveEvent(TenantId, FlowId);

public sealed record TokenEvent(string TenantId, string FlowId, string RunId, int StepIndex, string Listener, string Text) : LiveEvent(TenantId, FlowId);

public sealed record LogEvent(string TenantId, string FlowId, LogLine Line) : LiveEvent(TenantId, FlowId);
