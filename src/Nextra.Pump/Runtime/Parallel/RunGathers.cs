namespace Nextra.Pump.Runtime.Parallel;

/// <summary>The fan-out groups a run opened, and how many times each collector chain has gathered (for deterministic ids).</summary>
internal sealed class RunGathers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private readonly List<FanoutGroup> _groups = [];

    public int NextOccurrence(string collectorChain)
    {
        lock (_lock)
        {
            var n = _occurrences.GetValueOrDefault(collectorChain);
            _occurrences[collectorChain] = n + 1;
            return n;
        }
    }

    public void Add(FanoutGroup group)
    {
        lock (_lock)
        {
            _groups.Add(group);
        }
    }

    public IReadOnlyList<FanoutGroup> All()
    {
        lock (_lock)
        {
            return [.. _groups];
        }
    }
}
