using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Told by the flow supervisor once it runs the flows of newly acquired partitions (the trigger inbox then claims
/// their pending runs and hands them to <paramref name="dispatcher"/>), and when partitions were lost.
/// </summary>
public interface IPartitionListener
{
    Task PartitionsReadyAsync(IReadOnlyList<LeaseFence> fences, IRunDispatcher dispatcher, CancellationToken ct);

    void PartitionsLost(IReadOnlyList<LeaseFence> fences);
}

/// <summary>Where claimed run requests go: the dispatch loops of the flows this instance runs.</summary>
public interface IRunDispatcher
{
    /// <summary>Hands a committed run request to its flow, to run under <paramref name="fence"/>.</summary>
    void Enqueue(RunRequest request, LeaseFence fence);

    /// <summary>Makes a request end cancelled, without running, when its turn comes.</summary>
    void MarkCancelled(string runId);
}
