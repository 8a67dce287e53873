using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Modules.Triggers;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

public sealed partial class FlowSupervisor
{
    private readonly ConcurrentDictionary<string, (FlowSlot Slot, RunHandle Handle)> _active = new();

    /// <summary>Hands an acknowledged inbox row to its flow's dispatch loop. The row is already committed.</summary>
    public void Enqueue(InboxItem item)
    {
        var slot = _slots.GetOrAdd(item.FlowId, id => new FlowSlot(id, item.TenantId));
        EnsureDispatchLoop(slot);
        if (!slot.Queue.Writer.TryWrite(item))
        {
            // The flow was deleted meanwhile: end the run rather than leave it pending forever.
            _ = recorder.FailAsync(item, RunRecorder.Recorded(item), "flow_not_running", "the flow was deleted");
        }
    }

    /// <summary>Runs in flight whose live record can be read.</summary>
    public RunHandle? FindActive(string runId) => _active.TryGetValue(runId, out var a) ? a.Handle : null;

    /// <summary>Flow id of an in-flight run.</summary>
    public string? FlowOfActive(string runId) => _active.TryGetValue(runId, out var a) ? a.Slot.FlowId : null;

    private readonly ConcurrentDictionary<string, byte> _cancelBeforeStart = new();

    /// <summary>Cancels an in-flight run, or marks an acknowledged one not yet started so it ends cancelled without running.</summary>
    public bool CancelRun(string runId, bool pending)
    {
        if (_active.TryGetValue(runId, out var a) && a.Slot.Pump is { } pump && pump.CancelRun(runId)) return true;
        if (!pending) return false;
        _cancelBeforeStart[runId] = 0;
        return true;
    }

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
                while (!_shutdown.IsCancellationRequested && slot.Queue.Reader.TryRead(out var item))
                {
                    try
                    {
                        await DispatchAsync(slot, item).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !_shutdown.IsCancellationRequested)
                    {
                        logger.LogError(ex, "Flow {FlowId}: dispatch of {RunId} failed", slot.FlowId, item.Id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Shutdown: what is still queued stays pending in the inbox.
        }
    }

    private async Task DispatchAsync(FlowSlot slot, InboxItem item)
    {
        var injection = ToInjection(slot, item);
        var recorded = new RecordedInjection(injection.Target, injection.PayloadClass, injection.PayloadXml, item.PayloadJson);
        if (_cancelBeforeStart.TryRemove(item.Id, out _))
        {
            await recorder.CompleteAsync(item, recorded, new Pump.Runs.RunRecord
            {
                RunId = item.Id, Status = "cancelled", StartedAt = time.GetUtcNow(), Error = new("cancelled", "cancelled before it started"),
            }).ConfigureAwait(false);
            return;
        }
        var pump = slot.Pump is { } awake && slot.Status == FlowStatuses.Running ? awake : await WakeAsync(slot).ConfigureAwait(false);
        if (pump is null)
        {
            await recorder.FailAsync(item, recorded, "flow_not_running", $"the flow is {slot.Status}").ConfigureAwait(false);
            return;
        }
        slot.Touch(time);
        metrics.Observe("nextra_dispatch_queue_depth", pump.QueueDepth);
        RunHandle handle;
        try
        {
            handle = await pump.InjectAsync(injection, _shutdown.Token).ConfigureAwait(false);
        }
        catch (PumpException ex) when (ex.Code != "pump_stopped" || !Draining)
        {
            await recorder.FailAsync(item, recorded, ex.Code, ex.Message).ConfigureAwait(false);
            return;
        }
        _active[item.Id] = (slot, handle);
        _ = CompleteAsync(slot, item, recorded, handle);
    }

    private async Task CompleteAsync(FlowSlot slot, InboxItem item, RecordedInjection recorded, RunHandle handle)
    {
        try
        {
            var record = await handle.Completion.ConfigureAwait(false);
            slot.Touch(time);
            await recorder.CompleteAsync(item, recorded, record).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Run {RunId}: completion failed", item.Id);
        }
        finally
        {
            _active.TryRemove(item.Id, out _);
        }
    }

    /// <summary>Wakes a sleeping flow (status running, no pump). Null when the flow is not running.</summary>
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
            metrics.Observe("nextra_wake_seconds", elapsed.TotalSeconds);
            events.Log(slot.TenantId, slot.FlowId, "info", $"woke on trigger in {elapsed.TotalMilliseconds:F1} ms");
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
            events.Log(slot.TenantId, slot.FlowId, "info", $"asleep after {idle.TotalMinutes:F0} min idle; the next trigger wakes it");
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
        await Task.WhenAll(_slots.Values.Select(StopPumpAsync)).ConfigureAwait(false);
    }

    /// <summary>Webhook and schedule rows carry only the trigger name; target and class come from the active definition.</summary>
    private static Injection ToInjection(FlowSlot slot, InboxItem item)
    {
        string? target = item.Target, payloadClass = item.PayloadClass;
        var colon = item.Source.IndexOf(':', StringComparison.Ordinal);
        if (target is null && colon > 0 && item.Source[..colon] is "webhook" or "schedule")
        {
            var name = item.Source[(colon + 1)..];
            var trigger = slot.Definition?.Triggers.FirstOrDefault(t => t.Name == name);
            target = trigger?.Target;
            payloadClass ??= trigger?.Payload;
        }
        return new Injection
        {
            RunId = item.Id, Target = target, PayloadClass = payloadClass, PayloadXml = item.PayloadXml,
            PayloadJson = item.PayloadJson is null ? null : JsonNode.Parse(item.PayloadJson) as JsonObject, Source = item.Source,
        };
    }
}
