using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>
/// The schedule triggers of the flows this instance runs (awake or asleep), armed and disarmed as flows activate and
/// stop. Kept apart from <see cref="ScheduleService"/>, which fires them, so the supervisor can tell it about flows
/// without depending on what fires into it.
/// </summary>
public sealed class ScheduleArming(TimeProvider time, ILogger<ScheduleArming> logger) : IFlowRuntimeListener
{
    private readonly ConcurrentDictionary<(string Flow, string Trigger), ArmedSchedule> _armed = new();

    internal IEnumerable<KeyValuePair<(string Flow, string Trigger), ArmedSchedule>> Armed => _armed;

    public void Activated(string tenantId, string flowId, FlowDefinition flow)
    {
        Deactivated(flowId);
        foreach (var trigger in flow.Triggers.Where(t => t.Type == "schedule" && t.Cron is not null))
        {
            if (!CronSchedule.TryParse(trigger.Cron!, trigger.Timezone, out var schedule, out var error))
            {
                logger.LogWarning("Flow {FlowId} trigger {Trigger}: bad cron: {Error}", flowId, trigger.Name, error);
                continue;
            }
            _armed[(flowId, trigger.Name)] = new ArmedSchedule(tenantId, schedule!, trigger.MissedPolicy, trigger.Input?.ToJsonString() ?? "{}", time.GetUtcNow());
        }
    }

    public void Deactivated(string flowId)
    {
        foreach (var key in _armed.Keys.Where(k => k.Flow == flowId)) _armed.TryRemove(key, out _);
    }
}

/// <summary>One armed schedule trigger; <see cref="LastFired"/> is read from the inbox on the first tick.</summary>
internal sealed class ArmedSchedule(string tenantId, CronSchedule schedule, string missedPolicy, string inputJson, DateTimeOffset armedAt)
{
    /// <summary>When the trigger was armed: a trigger that never fired counts nothing before this as missed.</summary>
    public DateTimeOffset ArmedAt { get; } = armedAt;
    /// <summary>The trigger's <c>input:</c> as JSON, the payload every slot fires with.</summary>
    public string InputJson { get; } = inputJson;
    public string TenantId { get; } = tenantId;
    public CronSchedule Schedule { get; } = schedule;
    public string MissedPolicy { get; } = missedPolicy;
    public DateTimeOffset? LastFired { get; set; }
}

/// <summary>
/// Fires the armed schedule triggers. Each due slot inserts its (trigger, slot) row together with the inbox row, so
/// a slot fires once even across restarts and instances; slots missed while the server was down follow the
/// trigger's policy (skip | run_once).
/// </summary>
public sealed class ScheduleService(
    ScheduleArming arming,
    IInboxStore inbox,
    IFlowRuntime supervisor,
    IFlowOwnership ownership,
    IExecutionMeter meter,
    ITierLimits tiers,
    IRunFailures recorder,
    Observability.Metrics metrics,
    IOptions<TriggersOptions> options,
    TimeProvider time,
    ILogger<ScheduleService> logger) : BackgroundService
{
    /// <summary>The error code of a schedule slot skipped at 100% of the month's executions (R10).</summary>
    public const string SkippedQuota = "skipped_quota";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ScheduleTickSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) await TickAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Fires every due slot once; returns how many fired.</summary>
    public async Task<int> TickAsync()
    {
        if (supervisor.Draining) return 0;
        var now = time.GetUtcNow();
        var fired = 0;
        foreach (var ((flowId, name), armed) in arming.Armed)
        {
            // Never fired: armed from now (nothing counts as missed). Else from the last fired slot, so downtime shows as missed slots.
            armed.LastFired ??= await inbox.LastSlotAsync(armed.TenantId, flowId, name).ConfigureAwait(false) ?? armed.ArmedAt;
            var due = armed.Schedule.DueSlots(armed.LastFired.Value, now, armed.MissedPolicy, TimeSpan.FromSeconds(options.Value.ScheduleGraceSeconds));
            var settled = true;
            foreach (var slot in due)
            {
                var request = new RunRequest
                {
                    Id = RunIds.New(time), TenantId = armed.TenantId, FlowId = flowId, Source = RunSource.ForSchedule(name),
                    PayloadJson = armed.InputJson, CreatedAt = now,
                };
                if (!await meter.TryReserveAsync(armed.TenantId, now, CancellationToken.None).ConfigureAwait(false))
                {
                    // Over the monthly quota (R10): the slot is spent and recorded as skipped_quota (a run that shows the reason,
                    // not counted), never silently dropped.
                    var tier = await tiers.ForTenantAsync(armed.TenantId, CancellationToken.None).ConfigureAwait(false);
                    var quota = Quota.Executions(tier, now);
                    if (!await RefuseAsync(request, name, slot, new Common.ApiException(quota.Status, SkippedQuota, quota.Title, quota.Detail ?? quota.Message))
                            .ConfigureAwait(false))
                    {
                        settled = false;
                        break;
                    }
                    continue;
                }
                var mine = ownership.TryGetLease(flowId, out var fence);
                bool inserted;
                try
                {
                    inserted = await inbox.AppendScheduledAsync(request, ownership.PartitionOf(flowId), mine ? fence : null, name, slot).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    await meter.ReleaseAsync(armed.TenantId, now).ConfigureAwait(false);
                    logger.LogError(ex, "Flow {FlowId} trigger {Trigger}: slot {Slot} not recorded; retried next tick", flowId, name, slot);
                    settled = false;
                    break;
                }
                if (!inserted)
                {
                    await meter.ReleaseAsync(armed.TenantId, now).ConfigureAwait(false);
                    continue; // that slot already fired (before a restart, or on another instance)
                }
                if (mine) supervisor.Enqueue(request, fence);
                metrics.Usage(UsageUnits.Execution, 1);
                fired++;
            }
            // Slots up to now are settled: fired, already fired elsewhere, or skipped by policy.
            if (settled) armed.LastFired = now;
        }
        return fired;
    }

    /// <summary>Spends the slot and records the refused fire as a failed run; false when the slot could not be recorded (retried next tick).</summary>
    private async Task<bool> RefuseAsync(RunRequest request, string trigger, DateTimeOffset slot, Common.ApiException refusal)
    {
        try
        {
            if (!await inbox.MarkSlotAsync(request.TenantId, request.FlowId, trigger, slot, request.Id).ConfigureAwait(false)) return true; // fired before
            ownership.TryGetLease(request.FlowId, out var fence);
            await recorder.FailAsync(request, fence, refusal.Code, refusal.Detail ?? refusal.Message).ConfigureAwait(false);
            logger.LogWarning("Flow {FlowId} trigger {Trigger}: slot {Slot} refused: {Reason}", request.FlowId, trigger, slot, refusal.Detail);
            return true;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Flow {FlowId} trigger {Trigger}: refused slot {Slot} not recorded; retried next tick", request.FlowId, trigger, slot);
            return false;
        }
    }
}
