using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers.Stores;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>
/// Fires schedule triggers of running (awake or asleep) flows. Each due slot inserts its
/// (trigger, slot) row together with the inbox row, so a slot fires once even across restarts;
/// slots missed while the server was down follow the trigger's policy (skip | run_once).
/// </summary>
public sealed class ScheduleService(InboxStore inbox, IServiceProvider services, IOptions<TriggersOptions> options, TimeProvider time,
    ILogger<ScheduleService> logger) : BackgroundService, IFlowRuntimeListener
{
    private readonly ConcurrentDictionary<(string Flow, string Trigger), Armed> _armed = new();

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
            // Never fired: armed from now (nothing counts as missed). Else from the last fired slot, so downtime shows as missed slots.
            var last = inbox.LastSlot(flowId, trigger.Name) ?? time.GetUtcNow();
            _armed[(flowId, trigger.Name)] = new Armed(tenantId, schedule!, trigger.MissedPolicy, last, trigger.Input?.ToJsonString() ?? "{}");
        }
    }

    public void Deactivated(string flowId)
    {
        foreach (var key in _armed.Keys.Where(k => k.Flow == flowId)) _armed.TryRemove(key, out _);
    }

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
        var supervisor = services.GetRequiredService<FlowSupervisor>();
        if (supervisor.Draining) return 0;
        var meter = services.GetRequiredService<ExecutionMeter>();
        var tiers = services.GetRequiredService<ITierLimits>();
        var now = time.GetUtcNow();
        var fired = 0;
        foreach (var ((flowId, name), armed) in _armed)
        {
            var due = armed.Schedule.DueSlots(armed.LastFired, now, armed.MissedPolicy, TimeSpan.FromSeconds(options.Value.ScheduleGraceSeconds));
            var settled = true;
            foreach (var slot in due)
            {
                var item = new InboxItem
                {
                    Id = Runs.RunIds.New(time), TenantId = armed.TenantId, FlowId = flowId, Source = "schedule:" + name,
                    PayloadJson = armed.InputJson, CreatedAt = now,
                };
                var tier = await tiers.ForTenantAsync(armed.TenantId, CancellationToken.None).ConfigureAwait(false);
                if (!meter.TryReserve(armed.TenantId, now, tier.ExecutionsPerMonth))
                {
                    // Over the monthly quota: the slot is spent and shows as a failed run with the reason, never silently dropped.
                    if (!await RefuseAsync(item, name, slot, Quota.Executions(tier, now)).ConfigureAwait(false))
                    {
                        settled = false;
                        break;
                    }
                    continue;
                }
                bool inserted;
                try
                {
                    inserted = await inbox.AddScheduledAsync(item, name, slot).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    meter.Release(armed.TenantId, now);
                    logger.LogError(ex, "Flow {FlowId} trigger {Trigger}: slot {Slot} not recorded; retried next tick", flowId, name, slot);
                    settled = false;
                    break;
                }
                if (!inserted)
                {
                    meter.Release(armed.TenantId, now);
                    continue; // that slot already fired (before a restart, or on another instance)
                }
                supervisor.Enqueue(item);
                fired++;
            }
            // Slots up to now are settled: fired, already fired elsewhere, or skipped by policy.
            if (settled) armed.LastFired = now;
        }
        return fired;
    }

    /// <summary>Spends the slot and records the refused fire as a failed run; false when the slot could not be recorded (retried next tick).</summary>
    private async Task<bool> RefuseAsync(InboxItem item, string trigger, DateTimeOffset slot, Common.ApiException refusal)
    {
        try
        {
            if (!await inbox.MarkSlotAsync(item.FlowId, trigger, slot, item.Id).ConfigureAwait(false)) return true; // fired before
            await services.GetRequiredService<RunRecorder>()
                .FailAsync(item, RunRecorder.Recorded(item), refusal.Code, refusal.Detail ?? refusal.Message).ConfigureAwait(false);
            logger.LogWarning("Flow {FlowId} trigger {Trigger}: slot {Slot} refused: {Reason}", item.FlowId, trigger, slot, refusal.Detail);
            return true;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Flow {FlowId} trigger {Trigger}: refused slot {Slot} not recorded; retried next tick", item.FlowId, trigger, slot);
            return false;
        }
    }

    private sealed class Armed(string tenantId, CronSchedule schedule, string missedPolicy, DateTimeOffset lastFired, string inputJson)
    {
        /// <summary>The trigger's <c>input:</c> as JSON, the payload every slot fires with.</summary>
        public string InputJson { get; } = inputJson;
        public string TenantId { get; } = tenantId;
        public CronSchedule Schedule { get; } = schedule;
        public string MissedPolicy { get; } = missedPolicy;
        public DateTimeOffset LastFired { get; set; } = lastFired;
    }
}
