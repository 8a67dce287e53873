namespace Nextra.Pump.Runtime.Parallel;

internal enum GatherKind { Join, Map, Sequence }

/// <summary>
/// One fan-out of a run awaiting its collector (a join, or the map/sequence that sent the items/steps):
/// where the answers go (the collector's thread), how many slots, and, in this process only, how many
/// messages of each branch are still queued or in a handler. The answers themselves live in the shared
/// backend under <see cref="Id"/>; the live counts describe messages that exist only in this pump's queue.
/// </summary>
internal sealed class FanoutGroup
{
    private readonly Lock _lock = new();
    private readonly int[] _live;
    private readonly bool[] _filled;
    private readonly (string Code, string Message)?[] _errors;
    private bool _closed;

    public FanoutGroup(string id, GatherKind kind, RunState run, string?[] names)
    {
        Id = id;
        Kind = kind;
        Run = run;
        Names = names;
        _live = new int[names.Length];
        _filled = new bool[names.Length];
        _errors = new (string, string)?[names.Length];
    }

    /// <summary>The gather's key in the shared backend: <c>run|collector-chain#occurrence</c>, the same when a run runs again.</summary>
    public string Id { get; }
    public GatherKind Kind { get; }
    public RunState Run { get; }
    /// <summary>Branch names by slot (listener names; for maps and sequences the target of each item/step).</summary>
    public string?[] Names { get; }
    public int Slots => Names.Length;
    public required string Collector { get; init; }
    public required string CollectorThread { get; init; }
    public required string CollectorChain { get; init; }
    /// <summary>The listener that fanned out and its thread: a branch responding there is answering the collector.</summary>
    public required string Sender { get; init; }
    public required string SenderThread { get; init; }
    /// <summary>Depth of the collector's signal messages.</summary>
    public int Depth { get; init; }
    /// <summary>The branch stack the fan-out happened in: what the collector's output carries on.</summary>
    public BranchTag? Parent { get; init; }
    public long DeadlineUnixMs { get; init; }
    public ITimer? Timer { get; set; }
    /// <summary>What the collecting handler keeps between calls of this attempt (a map's items, a sequence's input).</summary>
    public object? HandlerState { get; set; }

    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    public void AddLive(int slot)
    {
        lock (_lock)
        {
            _live[slot]++;
        }
    }

    /// <summary>Releases one live message of the slot; returns the error to settle it with when that was the branch's last message and it never answered.</summary>
    public (bool Ended, string? Code, string? Message) ReleaseLive(int slot)
    {
        lock (_lock)
        {
            var left = --_live[slot];
            if (left > 0 || _filled[slot] || _closed)
            {
                return (false, null, null);
            }
            var e = _errors[slot];
            return (true, e?.Code, e?.Message);
        }
    }

    public void RecordError(int slot, string code, string message)
    {
        lock (_lock)
        {
            _errors[slot] = (code, message);
        }
    }

    public bool IsFilled(int slot)
    {
        lock (_lock)
        {
            return _closed || _filled[slot];
        }
    }

    public void MarkFilled(int slot)
    {
        lock (_lock)
        {
            _filled[slot] = true;
        }
    }

    public bool AllFilled
    {
        get
        {
            lock (_lock)
            {
                return _closed || Array.TrueForAll(_filled, f => f);
            }
        }
    }

    public void MarkClosed()
    {
        lock (_lock)
        {
            _closed = true;
        }
        Timer?.Dispose();
    }

    /// <summary>The slot of a branch name, for messages.</summary>
    public string Describe(int slot) => slot >= 0 && slot < Names.Length && Names[slot] is { } n ? $"branch {slot} ('{n}')" : $"branch {slot}";
}

/// <summary>A message's place in a fan-out: group and slot (-1: a branch the collector does not expect), and the enclosing fan-out.</summary>
internal sealed class BranchTag(FanoutGroup group, int slot, BranchTag? parent)
{
    public FanoutGroup Group { get; } = group;
    public int Slot { get; } = slot;
    public BranchTag? Parent { get; } = parent;
}

internal enum GatherSignalKind { None, Settled, TimedOut }

/// <summary>A message the pump sends a collector by itself: a branch failed or ended (<see cref="GatherSignalKind.Settled"/>), or the deadline passed.</summary>
internal sealed record GatherSignal(FanoutGroup Group, GatherSignalKind Kind, int Slot);

/// <summary>Which slot of which gather an emitted item/step fills.</summary>
internal sealed record BranchSlot(FanoutGroup Group, int Index);
