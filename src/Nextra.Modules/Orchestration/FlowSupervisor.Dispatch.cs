using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

public sealed partial class FlowSupervisor
{
    private readonly ConcurrentDictionary<string, (FlowSlot Slot, RunHandle Handle, string Trigger)> _active = new();
    private readonly ConcurrentDictionary<string, byte> _cancelBeforeStart = new();

    /// <summary>
    /// Hands an acknowledged run request (its inbox row is committed) to its flow's dispatch loop, to run under
    /// <paramref name="fence"/> (the lease of the flow's partition on this instance).
    /// </summary>
    public void Enqueue(RunRequest request, LeaseFence fence)
    {
        var slot = SlotOf(request.FlowId, request.TenantId);
        EnsureDispatchLoop(slot);
        if (!slot.Queue.Writer.TryWrite(new QueuedRun(request, fence)))
        {
            if (slot.HandedOver || !StillOwned(request.FlowId, fence)) return; // handed over meanwhile: the row stays pending for the new owner
            // The flow was deleted meanwhile: end the run rather than leave it pending forever.
            _ = recorder.FailAsync(request, fence, "flow_not_running", "the flow was deleted");
        }
    }

    /// <summary>Ends a request without running it: cancelled when asked before it started.</summary>
    public void MarkCancelled(string runId) => _cancelBeforeStart[runId] = 0;

    /// <summary>A run executing here, as of now (steps copied under the run's lock).</summary>
    int ILiveRunSource.Order => 0;

    Task<RunView?> ILiveRunSource.FindAsync(string tenantId, string runId, CancellationToken ct) =>
        Task.FromResult(_active.TryGetValue(runId, out var a) && a.Slot.TenantId == tenantId
            ? RunView.From(a.Slot.FlowId, a.Trigger, a.Handle.Snapshot())
            : null);

    /// <summary>Sum of all pumps' queue depths and of items waiting in dispatch loops.</summary>
    public (long Pump, long Dispatch, int Awake, int Asleep) Depths()
    {
        long pump = 0, dispatch = 0;
        int awake = 0, asleep = 0;
        foreach (var slot in _slots.Values)
        {
            if (slot.Pump is { } p)
            {
                pump += p.QueueDepth;
                awake++;
            }
            else if (slot.Asleep && slot.Status == FlowStatuses.Running) asleep++;
            dispatch += slot.Queue.Reader.Count;
        }
        return (pump, dispatch, awake, asleep);
    }

    private void EnsureDispatchLoop(FlowSlot slot)
    {
        if (slot.DispatchLoop is not null) return;
        lock (slot)
        {
            slot.DispatchLoop ??= Task.Run(() => DispatchLoopAsync(slot));
        }
    }

    private async Task DispatchLoopAsync(FlowSlot slot)
    {
        try
        {
            while (await slot.Queue.Reader.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false))
            {
                while (!_shutdown.IsCancellationRequested && slot.Queue.Reader.TryRead(out var queued))
                {
                    try
                    {
                        await DispatchAsync(slot, queued.Request, queued.Fence).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !_shutdown.IsCancellationRequested)
                    {
                        logger.LogError(ex, "Flow {FlowId}: dispatch of {RunId} failed", slot.FlowId, queued.Request.Id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Shutdown: what is still queued stays pending in the inbox.
        }
    }

    private async Task DispatchAsync(FlowSlot slot, RunRequest request, LeaseFence fence)
    {
        LatencyProbe.Mark(request.Id, "05 dispatch loop hop");
        if (_cancelBeforeStart.TryRemove(request.Id, out _))
        {
            await recorder.CompleteAsync(request, fence, new Pump.Runs.RunRecord
            {
                RunId = request.Id, Status = "cancelled", StartedAt = time.GetUtcNow(), Error = new("cancelled", "cancelled before it started"),
            }).ConfigureAwait(false);
            return;
        }
        if (slot.HandedOver)
        {
            // The partition went to another instance (it joined, or this one lost its lease) after this request was
            // claimed: leave its inbox row pending for the new owner instead of failing it here.
            logger.LogDebug("Run {RunId} left pending: flow {FlowId} is no longer run here", request.Id, request.FlowId);
            return;
        }
        var pump = slot.Pump is { } awake && slot.Status == FlowStatuses.Running ? awake : await WakeAsync(slot).ConfigureAwait(false);
        if (pump is null && !slot.HandedOver) pump = await StartOnDemandAsync(slot).ConfigureAwait(false);
        if (pump is null)
        {
            // Only the current holder of the lease the request was claimed under may decide that its flow does not run:
            // a lease dropped here (not renewed in time, or lost while the request was on its way) may still be this
            // instance's in the database for a moment, so a failure written now would pass the fence and end an
            // acknowledged run that the new owner is about to run. Leave the row pending for it instead.
            if (slot.HandedOver || !StillOwned(request.FlowId, fence)) return;
            await recorder.FailAsync(request, fence, "flow_not_running", $"the flow is {slot.Status}").ConfigureAwait(false);
            return;
        }
        slot.Touch(time);
        metrics.DispatchDepth(pump.QueueDepth);
        // The attempt counts when the run's first step begins, not when it is handed to the pump: runs queued behind
        // others (a one-at-a-time flow) and lost to a crash have not run, and must not be given up as if they had.
        // A re-run (it started before and the server died) is written down before its first step executes, so a
        // request that crashes the server every time is given up on, not retried forever.
        var injection = ToInjection(slot, request) with { FirstStepStarting = ct => RunStartingAsync(request, fence) };
        RunHandle handle;
        try
        {
            handle = await pump.InjectAsync(injection, _shutdown.Token).ConfigureAwait(false);
        }
        catch (PumpException ex) when (ex.Code != "pump_stopped" || !Draining)
        {
            await recorder.FailAsync(request, fence, ex.Code, ex.Message).ConfigureAwait(false);
            return;
        }
        _active[request.Id] = (slot, handle, request.Source.ToString());
        LatencyProbe.Mark(request.Id, "06 pump inject");
        _ = CompleteAsync(slot, request, fence, handle);
    }

    private Task RunStartingAsync(RunRequest request, LeaseFence fence)
    {
        if (_trackers.Length == 0) return Task.CompletedTask;
        var starting = Task.WhenAll(_trackers.Select(t => t.RunStartingAsync(request, fence, CancellationToken.None)));
        if (request.Attempts > 0) return starting;
        _ = starting.ContinueWith(t => logger.LogWarning(t.Exception, "Run {RunId}: start not recorded", request.Id),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private async Task CompleteAsync(FlowSlot slot, RunRequest request, LeaseFence fence, RunHandle handle)
    {
        try
        {
            var record = await handle.Completion.ConfigureAwait(false);
            LatencyProbe.Mark(request.Id, "07 run (pump steps, hops)");
            slot.Touch(time);
            if (record.Status == "cancelled" && slot.HandedOver)
            {
                // Cut by the hand-over of its partition, not by a user: the new owner runs it again from its inbox row.
                logger.LogInformation("Run {RunId} interrupted by a partition hand-over; left pending for the new owner", request.Id);
                return;
            }
            await recorder.CompleteAsync(request, fence, record).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Run {RunId}: completion failed", request.Id);
        }
        finally
        {
            _active.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Wakes a sleeping flow (status running, no pump). Null when the flow is not running.</summary>
    /// <summary>
    /// A run for a flow this instance has not started: the lease of its partition is taken (so triggers here hand runs
    /// over at once) before the partition's flows are started, and under load a webhook lands in between. When the
    /// flow is meant to run, start it now instead of failing the acknowledged run with <c>flow_not_running</c>.
    /// </summary>
    private bool StillOwned(string flowId, LeaseFence fence) =>
        ownership.TryGetLease(flowId, out var current) && current.Epoch == fence.Epoch && current.Owner == fence.Owner;

    private async Task<IFlowPump?> StartOnDemandAsync(FlowSlot slot)
    {
        if (slot.Status is FlowStatuses.Running or FlowStatuses.Error || !ownership.TryGetLease(slot.FlowId, out _)) return null;
        var flow = await catalog.GetAsync(slot.TenantId, slot.FlowId, _shutdown.Token).ConfigureAwait(false);
        if (flow is not { Status: FlowStatuses.Running or FlowStatuses.Starting }) return null;
        logger.LogInformation("Flow {FlowId}: a run arrived before the flow was started here; starting it", slot.FlowId);
        await StartAsync(flow, onlyIfStillStored: true, _shutdown.Token).ConfigureAwait(false);
        if (slot.HandedOver || slot.Status != FlowStatuses.Running) return null;
        return slot.Pump ?? await WakeAsync(slot).ConfigureAwait(false);
    }

    private async Task<IFlowPump?> WakeAsync(FlowSlot slot)
    {
        await slot.Gate.WaitAsync(_shutdown.Token).ConfigureAwait(false);
        try
        {
            if (slot.Pump is { } pump) return pump;
            if (slot.Status != FlowStatuses.Running || !slot.Asleep || slot.Definition is null) return null;
            var started = Stopwatch.GetTimestamp();
            try
            {
                await StartPumpAsync(slot, _shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Flow {FlowId} failed to wake", slot.FlowId);
                await SetStatusAsync(slot, FlowStatuses.Error, "wake failed: " + ex.Message, CancellationToken.None).ConfigureAwait(false);
                return null;
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Woke(elapsed.TotalSeconds);
            Log(slot, "info", $"woke on trigger in {elapsed.TotalMilliseconds:F1} ms");
            return slot.Pump;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>
    /// One idle pass: every awake flow idle longer than its tenant's tier's <c>idle_stop_minutes</c> sleeps
    /// (keep-alive honoured only where the tier allows it). Returns how many went to sleep.
    /// </summary>
    public async Task<int> SleepIdleFlowsAsync(CancellationToken ct)
    {
        await tiers.RefreshAsync(ct).ConfigureAwait(false);
        var slept = 0;
        foreach (var slot in _slots.Values)
        {
            var tier = tiers.ForTenant(slot.TenantId);
            if (tier.IdleStopMinutes is not > 0) continue;
            try
            {
                if (await SleepIfIdleAsync(slot, TimeSpan.FromMinutes(tier.IdleStopMinutes.Value), tier.KeepAlive).ConfigureAwait(false)) slept++;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Idle stop of flow {FlowId} failed", slot.FlowId);
            }
        }
        return slept;
    }

    /// <summary>Puts an idle flow to sleep; false when it was busy or changed meanwhile. A keep-alive flag the tier no longer allows is ignored.</summary>
    internal async Task<bool> SleepIfIdleAsync(FlowSlot slot, TimeSpan idle, bool keepAliveAllowed = true)
    {
        if (!await slot.Gate.WaitAsync(0).ConfigureAwait(false)) return false;
        try
        {
            var pump = slot.Pump;
            if (pump is null || slot.Status != FlowStatuses.Running || (slot.KeepAlive && keepAliveAllowed)) return false;
            if (pump.ActiveRuns > 0 || pump.QueueDepth > 0 || slot.Queue.Reader.Count > 0) return false;
            if (time.GetUtcNow() - slot.LastActivity < idle) return false;
            slot.Asleep = true;
            await StopPumpAsync(slot).ConfigureAwait(false);
            Log(slot, "info", $"asleep after {idle.TotalMinutes:F0} min idle; the next trigger wakes it");
            return true;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Graceful shutdown: stop dispatching, drain every pump up to the bound; unfinished runs stay pending.</summary>
    public async Task ShutdownAsync()
    {
        recorder.Draining = true;
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_slots.Values.Select(s => StopPumpAsync(s))).ConfigureAwait(false);
    }

    /// <summary>Webhook and schedule requests carry only the trigger name; target and class come from the active definition.</summary>
    private static Injection ToInjection(FlowSlot slot, RunRequest request)
    {
        string? target = request.Target, payloadClass = request.PayloadClass;
        if (target is null && request.Source.TriggerName is { } name && slot.Definition is { } definition)
        {
            foreach (var trigger in definition.Triggers)
            {
                if (trigger.Name != name) continue;
                target = trigger.Target;
                payloadClass ??= trigger.Payload;
                break;
            }
        }
        return new Injection
        {
            RunId = request.Id, Target = target, PayloadClass = payloadClass, PayloadXml = request.PayloadXml,
            PayloadJson = request.ParsedJson ?? (request.PayloadJson is null ? null : JsonNode.Parse(request.PayloadJson) as JsonObject), Source = request.Source.ToString(),
        };
    }
}
