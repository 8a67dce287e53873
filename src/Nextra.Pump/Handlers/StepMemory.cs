namespace Nextra.Pump.Handlers;

/// <summary>
/// Memory a handler holds for the step it is working on, beyond the payload text (a code block's WebAssembly linear
/// memory): the handler reports it, the pump adds it to the flow's estimate (<c>nextra_pump_memory_bytes</c>, the
/// <c>memory_pressure</c> alert) until the step is recorded. Written by the handler's thread, read by any.
/// </summary>
public sealed class StepMemory
{
    private long _bytes;

    /// <summary>The bytes held now.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Reports the bytes held now (0 when released).</summary>
    public void Set(long bytes) => Volatile.Write(ref _bytes, Math.Max(0, bytes));
}
