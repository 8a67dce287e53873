using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;

namespace Nextra.Modules.Alerts;

/// <summary>
/// Every <c>[alerts] evaluation_seconds</c>, evaluates the four rules on every flow this instance runs (each instance
/// evaluates its own flows; the store makes a transition happen once across instances) and fires or resolves alerts.
/// </summary>
public sealed class AlertEvaluator(IFlowRuntime supervisor, ITraceStore traces, IAlertStore store, ProcessMemory memory,
    IOptions<AlertsOptions> options, TimeProvider time, ILogger<AlertEvaluator> logger) : BackgroundService
{
    /// <summary>The flow id of the process-wide memory alert (shown as <c>flowId: null</c>).</summary>
    public const string ProcessWide = "";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.EvaluationSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
                await EvaluateAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Alert evaluation failed; retrying next period");
            }
        }
    }

    /// <summary>One evaluation of every flow on this instance.</summary>
    public async Task EvaluateAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var flows = supervisor.Health();
        var processDetail = ProcessPressure(o);
        foreach (var tenant in flows.GroupBy(f => f.TenantId, StringComparer.Ordinal))
        {
            var firing = new Dictionary<(string Rule, string Flow), string>();
            foreach (var flow in tenant)
            {
                foreach (var (rule, detail) in await EvaluateFlowAsync(flow, o, now, ct).ConfigureAwait(false)) firing[(rule, flow.FlowId)] = detail;
            }
            if (processDetail is not null) firing[(AlertNames.MemoryPressure, ProcessWide)] = processDetail;
            foreach (var ((rule, flowId), detail) in firing)
            {
                if (await store.FireAsync(tenant.Key, rule, flowId, detail, now, ct).ConfigureAwait(false) is { } fired)
                    logger.LogWarning("Alert {Rule} firing for flow {FlowId} of tenant {TenantId}: {Detail}", rule, flowId, tenant.Key, fired.Detail);
            }
            // Resolve what fired before and holds no longer, for the flows this instance evaluates.
            var evaluated = tenant.Select(f => f.FlowId).Append(ProcessWide).ToHashSet(StringComparer.Ordinal);
            foreach (var open in await store.ListAsync(tenant.Key, AlertNames.Firing, null, 1000, ct).ConfigureAwait(false))
            {
                var flowId = open.FlowId ?? ProcessWide;
                if (!evaluated.Contains(flowId) || firing.ContainsKey((open.Rule, flowId))) continue;
                if (await store.ResolveAsync(tenant.Key, open.Rule, flowId, now, ct).ConfigureAwait(false) is not null)
                    logger.LogInformation("Alert {Rule} resolved for flow {FlowId} of tenant {TenantId}", open.Rule, flowId, tenant.Key);
            }
        }
    }

    private async Task<List<(string Rule, string Detail)>> EvaluateFlowAsync(FlowHealth flow, AlertsOptions o, DateTimeOffset now, CancellationToken ct)
    {
        var firing = new List<(string, string)>();
        if (flow.Status == FlowStatuses.Error)
            firing.Add((AlertNames.PumpCrash, "the flow's pump faulted: " + (flow.Error ?? "no reason recorded")));
        if (o.FlowMemoryBytes > 0 && flow.EstimatedMemoryBytes * 100.0 > o.MemoryPercent * o.FlowMemoryBytes)
            firing.Add((AlertNames.MemoryPressure, Invariant($"the flow holds about {flow.EstimatedMemoryBytes} bytes, above {o.MemoryPercent}% of its cap of {o.FlowMemoryBytes}")));
        var busy = flow.QueueDepth + flow.ActiveRuns;
        var quiet = now - flow.LastProgress;
        if (busy > 0 && quiet >= TimeSpan.FromMinutes(o.StuckMinutes))
            firing.Add((AlertNames.StuckFlow, Invariant($"{flow.ActiveRuns} active and {flow.QueueDepth} queued, no step finished for {quiet.TotalMinutes:0.#} minutes")));
        var outcomes = await traces.OutcomesSinceAsync(flow.TenantId, flow.FlowId, now - TimeSpan.FromMinutes(o.WindowMinutes), ct).ConfigureAwait(false);
        if (outcomes.Finished >= o.MinRuns && outcomes.Failed * 100.0 > o.ErrorRatePercent * outcomes.Finished)
            firing.Add((AlertNames.ErrorRate, Invariant($"{outcomes.Failed} of {outcomes.Finished} runs failed in the last {o.WindowMinutes} minutes ({100.0 * outcomes.Failed / outcomes.Finished:0.#}%, above {o.ErrorRatePercent}%)")));
        return firing;
    }

    private string? ProcessPressure(AlertsOptions o)
    {
        if (memory.LimitBytes() is not { } limit || limit <= 0) return null;
        var used = memory.UsedBytes();
        return used * 100.0 > o.MemoryPercent * limit
            ? Invariant($"the process uses {used} bytes, above {o.MemoryPercent}% of its limit of {limit}")
            : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
