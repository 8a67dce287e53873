using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Flows;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Pump.Config;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// The registry of the flows this instance runs: one pump per flow, lifecycle stopped → starting → running →
/// stopping → stopped (or error with the reason), persisted in the flows table, which holds the desired state.
/// Idle flows sleep (pump disposed, status still running) and wake on their next trigger. A flow runs where its
/// partition's lease is (<see cref="IFlowOwnership"/>); a change made through another instance reaches the owner as
/// a signal, and the owner converges to the stored state.
/// </summary>
public sealed partial class FlowSupervisor(
    IFlowCatalog catalog,
    IFlowCompiler compiler,
    IFlowPumpFactory pumps,
    IFlowServicesFactory services,
    IEnumerable<IFlowRuntimeListener> listeners,
    IEnumerable<IPartitionListener> partitionListeners,
    IEnumerable<IRunRequestTracker> trackers,
    RunRecorder recorder,
    IFlowRuntimeStore runtime,
    IFlowOwnership ownership,
    IRunSignals signals,
    ILiveEvents events,
    Metrics metrics,
    IOptions<OrchestrationOptions> options,
    ITierLimits tiers,
    PlanLimits planLimits,
    TimeProvider time,
    ILogger<FlowSupervisor> logger) : IFlowChangeHandler, IRunSignalHandler, ILiveRunSource, IOwnershipListener, IFlowRuntime
{
    private readonly ConcurrentDictionary<string, FlowSlot> _slots = new();
    private readonly IFlowRuntimeListener[] _listeners = [.. listeners];
    private readonly IPartitionListener[] _partitionListeners = [.. partitionListeners];
    private readonly IRunRequestTracker[] _trackers = [.. trackers];
    private readonly OrchestrationOptions _options = options.Value;
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>True once shutdown began: triggers answer 503 and nothing new is dispatched.</summary>
    public bool Draining => recorder.Draining;

    internal IEnumerable<FlowSlot> Slots => _slots.Values;

    /// <summary>The run-time health of every flow this instance holds (the alerts' input).</summary>
    public IReadOnlyList<FlowHealth> Health()
    {
        var health = new List<FlowHealth>();
        foreach (var slot in _slots.Values)
        {
            var pump = slot.Pump;
            health.Add(new FlowHealth(slot.TenantId, slot.FlowId, slot.Status, slot.Error, pump?.QueueDepth ?? 0, pump?.ActiveRuns ?? 0,
                pump?.EstimatedMemoryBytes ?? 0, slot.LastProgress.UtcTicks == 0 ? slot.StartedAt ?? time.GetUtcNow() : slot.LastProgress));
        }
        return health;
    }

    /// <summary>Status of a flow this process runs, else its stored status (and stored error), else null (no such flow).</summary>
    public async Task<FlowStatusView?> StatusAsync(string tenantId, string flowId, CancellationToken ct)
    {
        if (_slots.TryGetValue(flowId, out var slot) && slot.TenantId == tenantId)
        {
            var view = slot.View();
            if (view.Status == FlowStatuses.Stopped)
                return view with { Reason = await planLimits.StopReasonAsync(tenantId, flowId, ct).ConfigureAwait(false) };
            // A stored keep-alive that the tenant's tier (after a downgrade) no longer honours is reported as off.
            return view.KeepAlive && !(await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false)).KeepAlive ? view with { KeepAlive = false } : view;
        }
        var flow = await catalog.GetAsync(tenantId, flowId, ct).ConfigureAwait(false);
        if (flow is null) return null;
        var error = flow.Status == FlowStatuses.Error ? await runtime.GetErrorAsync(tenantId, flowId, ct).ConfigureAwait(false) : null;
        var reason = flow.Status == FlowStatuses.Stopped ? await planLimits.StopReasonAsync(tenantId, flowId, ct).ConfigureAwait(false) : null;
        return new FlowStatusView(flow.Status, error, Reason: reason);
    }

    /// <summary>The tenant of a flow this process runs (any status), or null.</summary>
    public string? AcceptingTenant(string flowId) => _slots.TryGetValue(flowId, out var slot) && slot.Accepting ? slot.TenantId : null;

    /// <summary>The active definition of a running (or asleep) flow.</summary>
    public FlowDefinition? ActiveDefinition(string flowId) => _slots.TryGetValue(flowId, out var slot) && slot.Accepting ? slot.Definition : null;

    /// <summary>
    /// Starts a flow (the API's start, or restore when its partition is acquired). Already running = no-op. On an
    /// instance that does not own the flow, the stored status becomes running and the owner is told to start it.
    /// </summary>
    public Task<FlowStatusView> StartAsync(FlowSnapshot flow, CancellationToken ct) => StartAsync(flow, onlyIfStillStored: false, ct);

    /// <param name="onlyIfStillStored">Start only if, under the flow's gate, its stored status is still running or starting
    /// (a start not asked for by a user must not undo a stop that just happened).</param>
    private async Task<FlowStatusView> StartAsync(FlowSnapshot flow, bool onlyIfStillStored, CancellationToken ct)
    {
        if (!ownership.TryGetLease(flow.Id, out _))
        {
            await catalog.SetStatusAsync(flow.TenantId, flow.Id, FlowStatuses.Running, ct).ConfigureAwait(false);
            await signals.FlowChangedAsync(new FlowSignal(flow.TenantId, flow.Id, "start"), ct).ConfigureAwait(false);
            return new FlowStatusView(FlowStatuses.Running);
        }
        var slot = SlotOf(flow.Id, flow.TenantId);
        await slot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (slot.Status == FlowStatuses.Running && (slot.Pump is not null || slot.Asleep)) return slot.View();
            if (onlyIfStillStored)
            {
                if (await catalog.GetAsync(flow.TenantId, flow.Id, ct).ConfigureAwait(false) is not { Status: FlowStatuses.Running or FlowStatuses.Starting } stored)
                    return slot.View();
                flow = stored;
            }
            slot.TenantId = flow.TenantId;
            slot.KeepAlive = await runtime.GetKeepAliveAsync(flow.TenantId, flow.Id, ct).ConfigureAwait(false);
            var compiled = compiler.Compile(flow.OrganismYaml);
            if (compiled.Flow is null)
            {
                var reason = "invalid flow: " + string.Join("; ", compiled.Problems.Take(3).Select(p => p.ToString()));
                await SetStatusAsync(slot, FlowStatuses.Error, reason, ct).ConfigureAwait(false);
                return slot.View();
            }
            await SetStatusAsync(slot, FlowStatuses.Starting, null, ct).ConfigureAwait(false);
            Activate(slot, compiled.Flow);
            EnsureDispatchLoop(slot);
            try
            {
                await StartPumpAsync(slot, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Flow {FlowId} failed to start", flow.Id);
                await SetStatusAsync(slot, FlowStatuses.Error, ex.Message, ct).ConfigureAwait(false);
                return slot.View();
            }
            slot.StartedAt = time.GetUtcNow();
            slot.Touch(time);
            await SetStatusAsync(slot, FlowStatuses.Running, null, ct).ConfigureAwait(false);
            return slot.View();
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>
    /// The API's start: refused (403 <c>over_plan_limit</c>) while the tenant runs as many flows as its tier allows
    /// (after a downgrade; an upgrade or stopping another flow makes room), then <see cref="StartAsync"/>.
    /// </summary>
    public async Task<FlowStatusView> StartWithinPlanAsync(FlowSnapshot flow, CancellationToken ct)
    {
        await planLimits.CheckStartAsync(flow, await tiers.ForTenantAsync(flow.TenantId, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        return await StartAsync(flow, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Backstop for a tier changed where no event reached this instance (the CLI in another process): a tenant running
    /// more flows here than its tier allows has the limit enforced in the stores, and the flows here converge to them.
    /// </summary>
    public async Task EnforcePlanLimitsAsync(CancellationToken ct)
    {
        await tiers.RefreshAsync(ct).ConfigureAwait(false);
        foreach (var group in _slots.Values.Where(s => s.Accepting && s.Status == FlowStatuses.Running).GroupBy(s => s.TenantId))
        {
            var tier = tiers.ForTenant(group.Key);
            if (tier.Flows is not { } max || group.Count() <= max) continue;
            await planLimits.EnforceAsync(group.Key, tier, ct).ConfigureAwait(false);
            foreach (var slot in group) await ConvergeAsync(slot.TenantId, slot.FlowId, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops a flow: drains in-flight runs up to the bound, cancels the rest, fails what was still queued.</summary>
    public async Task<FlowStatusView> StopAsync(string flowId, string tenantId, CancellationToken ct)
    {
        if (!ownership.TryGetLease(flowId, out _))
        {
            await catalog.SetStatusAsync(tenantId, flowId, FlowStatuses.Stopped, ct).ConfigureAwait(false);
            await signals.FlowChangedAsync(new FlowSignal(tenantId, flowId, "stop"), ct).ConfigureAwait(false);
            return new FlowStatusView(FlowStatuses.Stopped);
        }
        var slot = SlotOf(flowId, tenantId);
        await slot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (slot.Status == FlowStatuses.Stopped && slot.Pump is null)
            {
                await catalog.SetStatusAsync(tenantId, flowId, FlowStatuses.Stopped, ct).ConfigureAwait(false);
                return slot.View();
            }
            await SetStatusAsync(slot, FlowStatuses.Stopping, null, ct).ConfigureAwait(false);
            await StopPumpAsync(slot).ConfigureAwait(false);
            slot.Asleep = false;
            slot.StartedAt = null;
            foreach (var listener in _listeners) listener.Deactivated(flowId);
            await SetStatusAsync(slot, FlowStatuses.Stopped, null, ct).ConfigureAwait(false);
            return slot.View();
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>A saved or restored flow hot-reloads where it runs; a deleted one stops. The report goes in the save's answer.</summary>
    public async Task<ReloadReport?> OnFlowChangedAsync(FlowChange change, CancellationToken ct)
    {
        switch (change)
        {
            case FlowSaved or FlowRestored:
                if (_slots.TryGetValue(change.FlowId, out var slot) && slot.Accepting) return await ReloadAsync(slot, ct).ConfigureAwait(false);
                if (!ownership.TryGetLease(change.FlowId, out _))
                    await signals.FlowChangedAsync(new FlowSignal(change.TenantId, change.FlowId, "saved"), ct).ConfigureAwait(false);
                return null;
            case FlowDeleted:
                await ForgetAsync(change.FlowId).ConfigureAwait(false);
                await runtime.DeleteAsync(change.TenantId, change.FlowId, ct).ConfigureAwait(false);
                if (!ownership.TryGetLease(change.FlowId, out _))
                    await signals.FlowChangedAsync(new FlowSignal(change.TenantId, change.FlowId, "deleted"), ct).ConfigureAwait(false);
                return null;
            default:
                return null;
        }
    }

    private async Task<ReloadReport?> ReloadAsync(FlowSlot slot, CancellationToken ct)
    {
        var flow = await catalog.GetAsync(slot.TenantId, slot.FlowId, ct).ConfigureAwait(false);
        if (flow is null) return null;
        await slot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var compiled = compiler.Compile(flow.OrganismYaml);
            if (compiled.Flow is null) return new ReloadReport(false, [], [], [], compiled.Problems);
            ReloadReport report;
            if (slot.Pump is { } pump)
            {
                // Modules the new version names (or newer versions of them) are loaded before its handlers are built.
                await services.PrepareAsync(slot.TenantId, slot.FlowId, compiled.Flow, ct).ConfigureAwait(false);
                report = pump.Reload(compiled.Flow);
                if (!report.Ok)
                {
                    await services.PrepareAsync(slot.TenantId, slot.FlowId, slot.Definition!, ct).ConfigureAwait(false);
                    return report;
                }
            }
            else
            {
                // Asleep: nothing to swap; the next wake builds the pump from the new definition.
                report = Diff(slot.Definition, compiled.Flow);
            }
            Activate(slot, compiled.Flow);
            Log(slot, "info", $"reloaded: +{report.Added.Count} -{report.Removed.Count} ~{report.Updated.Count}");
            return report;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Stops a flow here and forgets its run-time state (deleted, or its partition went elsewhere).</summary>
    private async Task ForgetAsync(string flowId)
    {
        if (!_slots.TryGetValue(flowId, out var slot)) return;
        await slot.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await StopPumpAsync(slot).ConfigureAwait(false);
            slot.Status = FlowStatuses.Stopped;
            slot.Queue.Writer.TryComplete();
            foreach (var listener in _listeners) listener.Deactivated(flowId);
            _slots.TryRemove(flowId, out _);
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Sets or clears keep_alive (a flow that never idles); setting it needs a tier with <c>keep_alive = true</c> (403 quota_exceeded).</summary>
    public async Task SetKeepAliveAsync(string tenantId, string flowId, bool keepAlive, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (keepAlive && !tier.KeepAlive) throw Quota.KeepAlive(tier);
        await runtime.SetKeepAliveAsync(tenantId, flowId, keepAlive, ct).ConfigureAwait(false);
        if (_slots.TryGetValue(flowId, out var slot)) slot.KeepAlive = keepAlive;
    }

    private FlowSlot SlotOf(string flowId, string tenantId) =>
        _slots.GetOrAdd(flowId, (id, state) => new FlowSlot(id, state.tenantId) { Partition = state.ownership.PartitionOf(id) }, (tenantId, ownership));

    private void Activate(FlowSlot slot, FlowDefinition definition)
    {
        slot.Definition = definition;
        slot.Kinds = definition.Listeners.ToDictionary(l => l.Name, l => l.Handler, StringComparer.Ordinal);
        foreach (var listener in _listeners)
        {
            try
            {
                listener.Activated(slot.TenantId, slot.FlowId, definition);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Runtime listener {Listener} failed for flow {FlowId}", listener.GetType().Name, slot.FlowId);
            }
        }
    }

    private async Task StartPumpAsync(FlowSlot slot, CancellationToken ct)
    {
        var observer = new FlowObserver(slot, events, metrics, time);
        var provider = new SlotServicesProvider(services, slot, observer);
        await services.PrepareAsync(slot.TenantId, slot.FlowId, slot.Definition!, ct).ConfigureAwait(false);
        var pump = pumps.Create(slot.Definition!, provider, observer);
        try
        {
            await pump.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await pump.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        slot.Pump = pump;
        slot.Asleep = false;
    }

    /// <summary>Stops and disposes the pump within the stop timeout; a hung pump is abandoned, never awaited forever.</summary>
    private async Task StopPumpAsync(FlowSlot slot, double? drainSeconds = null)
    {
        var pump = slot.Pump;
        if (pump is null) return;
        slot.Pump = null;
        try
        {
            var stop = pump.StopAsync(TimeSpan.FromSeconds(drainSeconds ?? _options.DrainSeconds), CancellationToken.None);
            await stop.WaitAsync(TimeSpan.FromSeconds(_options.StopTimeoutSeconds)).ConfigureAwait(false);
            await pump.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(_options.StopTimeoutSeconds)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Flow {FlowId}: pump did not stop cleanly", slot.FlowId);
        }
    }

    private async Task SetStatusAsync(FlowSlot slot, string status, string? error, CancellationToken ct)
    {
        var hadError = slot.Error is not null;
        slot.Status = status;
        slot.Error = error;
        try
        {
            // The reason outlives the process, so the status API still explains an error after a restart.
            if (error is not null || hadError || status == FlowStatuses.Running)
                await runtime.SetErrorAsync(slot.TenantId, slot.FlowId, error, ct).ConfigureAwait(false);
            await catalog.SetStatusAsync(slot.TenantId, slot.FlowId, status, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Flow {FlowId}: could not persist status {Status}", slot.FlowId, status);
        }
        events.Publish(new FlowStatusEvent(slot.TenantId, slot.FlowId, status, error));
        Log(slot, error is null ? "info" : "error", error is null ? $"flow {status}" : $"flow {status}: {error}");
    }

    private void Log(FlowSlot slot, string level, string message) => events.Log(slot.TenantId, slot.FlowId, level, message, time);

    private static ReloadReport Diff(FlowDefinition? before, FlowDefinition after)
    {
        var old = before?.Listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var now = after.Listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        return new ReloadReport(true, [.. now.Except(old)], [.. old.Except(now)], [.. now.Intersect(old)], []);
    }
}
