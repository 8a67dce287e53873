using System.Diagnostics;
using Nextra.Modules.Common;

namespace Nextra.Modules.Observability;

/// <summary>
/// The process's memory and its limit: the cgroup (v2 <c>memory.max</c>, v1 <c>memory.limit_in_bytes</c>) when one is
/// set, else what the GC sees as available. Used by the memory gauges and the <c>memory_pressure</c> alert.
/// </summary>
[ModuleContract("reads the process's memory and its limit (no state) for the gauges and the memory alert")]
public sealed class ProcessMemory
{
    private readonly Lazy<long?> _cgroup = new(ReadCgroupLimit);

    public long UsedBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    public long? LimitBytes() => _cgroup.Value ?? (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes is > 0 and var available ? available : null);

    private static long? ReadCgroupLimit()
    {
        foreach (var path in (string[])["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"])
        {
            try
            {
                if (!File.Exists(path)) continue;
                var text = File.ReadAllText(path).Trim();
                // "max" (v2) or a huge number (v1) mean no limit.
                if (long.TryParse(text, out var bytes) && bytes is > 0 and < long.MaxValue / 2) return bytes;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return null;
    }
}
