namespace Nextra.Pump.Memory;

/// <summary>A gather as stored: its size, deadline (Unix ms, 0 = none), whether it was closed, and the filled slots.</summary>
public sealed record GatherState(int Slots, long DeadlineUnixMs, bool Closed, IReadOnlyDictionary<int, byte[]> Filled);

/// <summary>
/// What filling a slot did: <see cref="Accepted"/> when this call filled it; <see cref="Closed"/> when the gather
/// had already been closed (or is unknown); <see cref="Filled"/> of <see cref="Slots"/> after the call.
/// </summary>
public readonly record struct GatherFillResult(bool Accepted, bool Closed, int Filled, int Slots)
{
    public bool Complete => Filled >= Slots;
}
