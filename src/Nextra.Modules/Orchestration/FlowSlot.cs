using System.Threading.Channels;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Pump.Config;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// One flow's run-time state: its pump (null when stopped or asleep), its lifecycle status,
/// its own dispatch queue and loop (so one flow's backpressure or hang never holds another's
/// injections), and a gate that serialises its lifecycle transitions.
/// </summary>
internal sealed class FlowSlot(string flowId, string tenantId)
{
    public string FlowId { get; } = flowId;
    public string TenantId { get; set; } = tenantId;
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public Channel<QueuedRun> Queue { get; } = Channel.CreateUnbounded<QueuedRun>();
    /// <summary>The partition the flow hashes to.</summary>
    public int Partition { get; init; }
    public Task? DispatchLoop { get; set; }

    public volatile IFlowPump? Pump;
    public volatile string Status = FlowStatuses.Stopped;
    public volatile bool Asleep;
    public volatile bool KeepAlive;
    /// <summary>Its partition went to another instance: what is queued or cut here stays pending for the new owner.</summary>
    public volatile bool HandedOver;
    public string? Error { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public FlowDefinition? Definition { get; set; }
    /// <summary>Handler kind per listener, for metrics labels.</summary>
    public IReadOnlyDictionary<string, string> Kinds { get; set; } = new Dictionary<string, string>();

    private long _lastActivity;
    public void Touch(TimeProvider time) => Interlocked.Exchange(ref _lastActivity, time.GetUtcNow().UtcTicks);
    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivity), TimeSpan.Zero);

    private long _lastProgress;
    /// <summary>A step finished, or the flow went from idle to busy (the stuck-flow alert's clock).</summary>
    public void Progress(TimeProvider time) => Interlocked.Exchange(ref _lastProgress, time.GetUtcNow().UtcTicks);
    public DateTimeOffset LastProgress => new(Interlocked.Read(ref _lastProgress), TimeSpan.Zero);

    /// <summary>Accepts triggers: running (awake or asleep) or on its way there.</summary>
    public bool Accepting => Status is FlowStatuses.Running or FlowStatuses.Starting;

    public FlowStatusView View()
    {
        var pump = Pump;
        return new FlowStatusView(Status, Error, StartedAt, pump?.QueueDepth ?? (Status == FlowStatuses.Running ? 0 : null),
            pump?.ActiveRuns, Asleep && Status == FlowStatuses.Running, KeepAlive);
    }
}

/// <summary>A run request handed to a flow's dispatch loop, with the lease it runs under.</summary>
internal readonly record struct QueuedRun(RunRequest Request, LeaseFence Fence);
