using System.Xml.Linq;
using Nextra.Pump.Memory;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Runtime.Parallel;

/// <summary>What the coordinator needs from its pump.</summary>
internal interface IGatherHost
{
    /// <summary>Queues a message the pump sends by itself (a collector's signal).</summary>
    void EnqueueSignal(PumpMessage message);
    IPayloadSchema SystemErrorSchema { get; }
    void Log(string level, string message);
}

/// <summary>
/// Fan-outs and their collectors for one pump (DESIGN §3, xml-pipeline §9.30): opens gathers in the shared
/// backend, counts each branch's live messages, settles a branch that ended without answering (its last
/// error, or <c>branch_ended</c>), arms deadlines, and signals the collector. Joins, maps and sequences use
/// it through <see cref="GatherCall"/>; the pump calls <see cref="Track"/> and <see cref="ReleaseAsync"/>.
/// </summary>
internal sealed class ParallelCoordinator(ISharedBackend backend, TimeProvider time, IGatherHost host)
{
    /// <summary>This pump's epoch: a gather opened again by another pump (a restart) is re-opened, not reused as closed.</summary>
    private readonly string _epoch = Guid.NewGuid().ToString("N");

    public ISharedBackend Backend { get; } = backend;

    public long NowUnixMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Opens (or, after a restart, re-opens) a gather and its in-process group; arms its deadline.</summary>
    public async ValueTask<(FanoutGroup Group, GatherState State)> OpenAsync(GatherOpening o, CancellationToken ct)
    {
        var run = o.Run;
        var id = $"{run.RunId}|{o.CollectorChain}#{run.Gathers.NextOccurrence(o.CollectorChain)}";
        var deadline = o.Timeout is { } t && t > TimeSpan.Zero ? NowUnixMs + (long)t.TotalMilliseconds : 0;
        var state = await Backend.GatherOpenAsync(id, o.Names.Length, deadline, _epoch, ct).ConfigureAwait(false);
        var group = new FanoutGroup(id, o.Kind, run, o.Names)
        {
            Collector = o.Collector, CollectorThread = o.CollectorThread, CollectorChain = o.CollectorChain,
            Sender = o.Sender, SenderThread = o.SenderThread, Depth = o.Depth, Parent = o.Parent,
            DeadlineUnixMs = state.DeadlineUnixMs,
        };
        foreach (var slot in state.Filled.Keys)
        {
            group.MarkFilled(slot);
        }
        run.Gathers.Add(group);
        if (state.Closed)
        {
            group.MarkClosed();
        }
        else if (group.DeadlineUnixMs > 0)
        {
            var due = TimeSpan.FromMilliseconds(Math.Max(0, group.DeadlineUnixMs - NowUnixMs));
            group.Timer = time.CreateTimer(static s =>
            {
                var (self, g) = ((ParallelCoordinator, FanoutGroup))s!;
                self.OnDeadline(g);
            }, (this, group), due, Timeout.InfiniteTimeSpan);
        }
        if (state.Filled.Count > 0)
        {
            host.Log("info", $"run {run.RunId}: {state.Filled.Count} of {group.Slots} answers for '{group.Collector}' were collected before a restart and are not asked again");
        }
        return (group, state);
    }

    private void OnDeadline(FanoutGroup group)
    {
        if (group.Run.IsFinished || group.IsClosed)
        {
            return;
        }
        Signal(group, GatherSignalKind.TimedOut, -1, "timeout", "the deadline passed before every branch answered");
    }

    /// <summary>Counts a new message into every branch it belongs to.</summary>
    public static void Track(BranchTag? stack)
    {
        for (var t = stack; t is not null; t = t.Parent)
        {
            if (t.Slot >= 0)
            {
                t.Group.AddLive(t.Slot);
            }
        }
    }

    /// <summary>
    /// A message is done (handled, failed or dropped). Innermost first: a branch whose last message this was,
    /// and which never answered, is settled as failed — which may queue its collector's signal (counted into the
    /// enclosing branches) before those enclosing counts drop.
    /// </summary>
    public async ValueTask ReleaseAsync(BranchTag? stack, CancellationToken ct)
    {
        for (var t = stack; t is not null; t = t.Parent)
        {
            if (t.Slot < 0)
            {
                continue;
            }
            var (ended, code, message) = t.Group.ReleaseLive(t.Slot);
            if (ended)
            {
                await SettleAsync(t.Group, t.Slot, code ?? StepCodes.BranchEnded,
                    message ?? $"{t.Group.Describe(t.Slot)} ended without answering '{t.Group.Collector}'", ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Remembers a branch's latest error: if the branch ends without answering, its slot carries it.</summary>
    public static void RecordError(BranchTag? stack, string code, string message)
    {
        for (var t = stack; t is not null; t = t.Parent)
        {
            if (t.Slot >= 0)
            {
                t.Group.RecordError(t.Slot, code, message);
            }
        }
    }

    /// <summary>Fills a slot with a failure and, when this call filled it, tells the collector.</summary>
    public async ValueTask<bool> SettleAsync(FanoutGroup group, int slot, string code, string message, CancellationToken ct)
    {
        if (group.Run.IsFinished || group.IsFilled(slot))
        {
            return false;
        }
        var result = await FillAsync(group, slot, GatherSlot.Failed(code, message, group.Names[slot]), ct).ConfigureAwait(false);
        if (result.Accepted)
        {
            Signal(group, GatherSignalKind.Settled, slot, code, $"{group.Describe(slot)}: {message}");
        }
        return result.Accepted;
    }

    public async ValueTask<GatherFillResult> FillAsync(FanoutGroup group, int slot, GatherSlot value, CancellationToken ct)
    {
        var result = await Backend.GatherFillAsync(group.Id, slot, value.ToBytes(), ct).ConfigureAwait(false);
        if (result.Accepted || result.Closed)
        {
            group.MarkFilled(slot);
        }
        return result;
    }

    public ValueTask<int> ClaimNextAsync(FanoutGroup group, CancellationToken ct) => Backend.GatherClaimNextAsync(group.Id, ct);

    /// <summary>Closes the gather once; the caller that gets the slots emits the result. Null: someone else closed it.</summary>
    public async ValueTask<GatherSlot?[]?> CloseAsync(FanoutGroup group, CancellationToken ct)
    {
        var all = await Backend.GatherCloseAsync(group.Id, ct).ConfigureAwait(false);
        group.MarkClosed();
        return all?.Select(GatherSlot.FromBytes).ToArray();
    }

    /// <summary>Sends the collector a signal on its own thread, carrying the enclosing branch stack.</summary>
    public void Signal(FanoutGroup group, GatherSignalKind kind, int slot, string code, string text)
    {
        if (group.Run.IsFinished)
        {
            return;
        }
        Track(group.Parent);
        host.EnqueueSignal(new PumpMessage
        {
            Payload = new XElement(BuiltInPayloads.SystemError,
                new XElement("Code", code), new XElement("Message", text), new XElement("RetryAllowed", "false")),
            Schema = host.SystemErrorSchema, From = "system", To = group.Collector,
            ThreadId = group.CollectorThread, Chain = group.CollectorChain, Depth = group.Depth, Run = group.Run,
            Branch = group.Parent, Signal = new GatherSignal(group, kind, slot),
        });
    }

    /// <summary>The innermost branch tag a message to <paramref name="target"/> answers: its collector, or (a respond) its fan-out point.</summary>
    public static BranchTag? ArrivalFor(BranchTag? stack, string target, string? respondThread = null)
    {
        for (var t = stack; t is not null; t = t.Parent)
        {
            var g = t.Group;
            if (g.Collector == target && (respondThread is null || respondThread == g.CollectorThread))
            {
                return t;
            }
            if (respondThread is not null && g.Sender == target && g.SenderThread == respondThread)
            {
                return t; // a branch responding to its fan-out point answers the join
            }
        }
        return null;
    }

    /// <summary>The run ended: deadlines stop; gathers go with the run's threads unless the run will run again.</summary>
    public async ValueTask CleanupAsync(RunState run)
    {
        if (run.GathersIfAny is not { } gathers)
        {
            return;
        }
        foreach (var g in gathers.All())
        {
            g.Timer?.Dispose();
            if (!run.Interrupted)
            {
                await Backend.GatherDeleteAsync(g.Id, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>Everything needed to open a gather.</summary>
internal sealed record GatherOpening(
    GatherKind Kind, RunState Run, string Collector, string CollectorThread, string CollectorChain,
    string Sender, string SenderThread, int Depth, BranchTag? Parent, string?[] Names, TimeSpan? Timeout);
