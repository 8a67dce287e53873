using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

/// <summary>Samples allocations by type (the runtime's AllocationTick event, one per ~100 KB allocated).</summary>
sealed class AllocProfile : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    public bool On { get; set; }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!On || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }
        var idx = e.PayloadNames!.IndexOf("TypeName");
        var amount = e.PayloadNames.IndexOf("AllocationAmount64");
        if (idx >= 0)
        {
            _bytes.AddOrUpdate((string)e.Payload[idx]!, amount >= 0 ? Convert.ToInt64(e.Payload[amount]) : 100_000, (_, v) => v + (amount >= 0 ? Convert.ToInt64(e.Payload[amount]) : 100_000));
        }
    }

    public void Print(int top = 25)
    {
        var total = _bytes.Values.Sum();
        foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(top))
        {
            Console.WriteLine($"{bytes * 100.0 / total,5:0.0}%  {type}");
        }
    }
}
