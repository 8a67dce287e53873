using Microsoft.AspNetCore.SignalR;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// The typed client of the events hub: every server-to-client call goes through <see cref="IEventsClient"/>,
/// so a renamed method or a changed argument list is a compile error, as with <c>Hub&lt;IEventsClient&gt;</c>.
/// Written by hand because SignalR's typed-hub proxy is generated at run time (Reflection.Emit), which a
/// Native AOT binary cannot do; the method names sent on the wire are the interface's.
/// </summary>
internal sealed class EventsClient(IClientProxy proxy) : IEventsClient
{
    public Task RunUpdated(RunSummary run) => proxy.SendAsync(nameof(RunUpdated), run);
    public Task StepUpdated(string runId, RunStep step) => proxy.SendAsync(nameof(StepUpdated), runId, step);
    public Task Token(string runId, int stepIndex, string listener, string text) => proxy.SendAsync(nameof(Token), runId, stepIndex, listener, text);
    public Task FlowStatus(string flowId, string status, string? error) => proxy.SendAsync(nameof(FlowStatus), flowId, status, error);
    public Task Log(string flowId, LogLine line) => proxy.SendAsync(nameof(Log), flowId, line);
}
