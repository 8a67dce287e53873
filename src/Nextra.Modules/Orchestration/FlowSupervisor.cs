using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers.Stores;
using Nextra.Pump.Config;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// The registry of running flows: one pump per flow, lifecycle stopped → starting → running →
/// stopping → stopped (or error with the reason), persisted in the flows table. Idle flows
/// sleep (pump disposed, status still running) and wake on their next trigger.
/// </summary>
public sealed partial class FlowSupervisor(
    IFlowCatalog catalog,
    IFlowCompiler compiler,
    IFlowPumpFactory pumps,
    IFlowServicesFactory services,
    IEnumerable<IFlowRuntimeListener> listeners,
    RunRecorder recorder,
    InboxStore inbox,
    LiveEvents events,
    Metrics metrics,
    IOptions<OrchestrationOptions> options,
    ITierLimits tiers,
    TimeProvider time,
    ILogger<FlowSupervisor> logger) : IFlowSavedHook
{
    private readonly ConcurrentDictionary<string, FlowSlot> _slots = new();
    private readonly IFlowRuntimeListener[] _listeners = [.. listeners];
    private readonly OrchestrationOptions _options = options.Value;
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>True once shutdown began: triggers answer 503 and nothing new is dispatched.</summary>
    public bool Draining => recorder.Draining;

    internal IEnumerable<FlowSlot> Slots => _slots.Values;

    /// <summary>Status of a flow this process knows, else its persisted status, else null (no such flow).</summary>
    public async Task<FlowStatusView?> StatusAsync(string tenantId, string flowId, CancellationToken ct)
    {
        if (_slots.TryGetValue(flowId, out var slot) && slot.TenantId == tenantId)
        {
            var view = slot.View();
            // A stored keep-alive that the tenant's tier (after a downgrade) no longer honours is reported as off.
            return view.KeepAlive && !(await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false)).KeepAlive ? view with { KeepAlive = false } : view;
        }
        var flow = await catalog.GetAsync(tenantId, flowId, ct).ConfigureAwait(false);
        if (flow is null) return null;
        return new FlowStatusView(flow.Status, flow.Status == FlowStatuses.Error ? inbox.GetError(flowId) : null);
    }

    /// <summary>The tenant of a flow this process runs (any status), or null.</summary>
    public string? AcceptingTenant(string flowId) => _slots.TryGetValue(flowId, out var slot) && slot.Accepting ? slot.TenantId : null;

    /// <summary>The active definition of a running (or asleep) flow.</summary>
    public FlowDefinition? ActiveDefinition(string flowId) => _slots.TryGetValue(flowId, out var slot) && slot.Accepting ? slot.Definition : null;

    /// <summary>Starts a flow (the API's start, or restore at boot). Already running = no-op.</summary>
    public async Task<FlowStatusView> StartAsync(FlowInfo flow, CancellationToken ct)
    {
        var slot = _slots.GetOrAdd(flow.Id, id => new FlowSlot(id, flow.TenantId));
        await slot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (slot.Status == FlowStatuses.Running && (slot.Pump is not null || slot.Asleep)) return slot.View();
            slot.TenantId = flow.TenantId;
            slot.KeepAlive = inbox.GetKeepAlive(flow.Id);
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

    /// <summary>Stops a flow: drains in-flight runs up to the bound, cancels the rest, fails what was still queued.</summary>
    public async Task<FlowStatusView> StopAsync(string flowId, string tenantId, CancellationToken ct)
    {
        var slot = _slots.GetOrAdd(flowId, id => new FlowSlot(id, tenantId));
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

    public async Task<ReloadReport?> FlowSavedAsync(string flowId, CancellationToken ct)
    {
        if (!_slots.TryGetValue(flowId, out var slot) || !slot.Accepting) return null;
        var flow = await catalog.GetAsync(slot.TenantId, flowId, ct).ConfigureAwait(false);
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
                await services.PrepareAsync(slot.TenantId, flowId, compiled.Flow, ct).ConfigureAwait(false);
                report = pump.Reload(compiled.Flow);
                if (!report.Ok)
                {
                    await services.PrepareAsync(slot.TenantId, flowId, slot.Definition!, ct).ConfigureAwait(false);
                    return report;
                }
            }
            else
            {
                // Asleep: nothing to swap; the next wake builds the pump from the new definition.
                report = Diff(slot.Definition, compiled.Flow);
            }
            Activate(slot, compiled.Flow);
            events.Log(slot.TenantId, flowId, "info", $"reloaded: +{report.Added.Count} -{report.Removed.Count} ~{report.Updated.Count}");
            return report;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public async Task FlowDeletedAsync(string flowId, CancellationToken ct)
    {
        if (!_slots.TryGetValue(flowId, out var slot)) return;
        await slot.Gate.WaitAsync(ct).ConfigureAwait(false);
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
        SetKeepAlive(flowId, keepAlive);
    }

    /// <summary>Sets or clears keep_alive without a tier check (internal callers only).</summary>
    internal void SetKeepAlive(string flowId, bool keepAlive)
    {
        inbox.SetKeepAlive(flowId, keepAlive);
        if (_slots.TryGetValue(flowId, out var slot)) slot.KeepAlive = keepAlive;
    }

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
        var observer = new FlowObserver(slot, events, metrics);
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
    private async Task StopPumpAsync(FlowSlot slot)
    {
        var pump = slot.Pump;
        if (pump is null) return;
        slot.Pump = null;
        try
        {
            var stop = pump.StopAsync(TimeSpan.FromSeconds(_options.DrainSeconds), CancellationToken.None);
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
            if (error is not null || hadError || status == FlowStatuses.Running) inbox.SetError(slot.FlowId, error);
            await catalog.SetStatusAsync(slot.TenantId, slot.FlowId, status, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Flow {FlowId}: could not persist status {Status}", slot.FlowId, status);
        }
        events.FlowStatus(slot.TenantId, slot.FlowId, status, error);
    }

    private static ReloadReport Diff(FlowDefinition? before, FlowDefinition after)
    {
        var old = before?.Listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var now = after.Listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        return new ReloadReport(true, [.. now.Except(old)], [.. old.Except(now)], [.. now.Intersect(old)], []);
    }
}
