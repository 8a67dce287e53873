using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// The durable side of a run request (the trigger inbox), told by the orchestration when the run starts executing
/// and once its final trace has committed. The inbox counts an attempt only when a run really started, and removes
/// the row only after the trace: a crash between the two leaves a pending row with a final trace, which recovery
/// removes without running it again.
/// </summary>
public interface IRunRequestTracker
{
    /// <summary>The run is about to execute (its first step begins).</summary>
    Task RunStartingAsync(RunRequest request, LeaseFence fence, CancellationToken ct);

    /// <summary>The run's final trace (<paramref name="run"/>) has committed (under <paramref name="fence"/>).</summary>
    Task RunRecordedAsync(RunRequest request, LeaseFence fence, Pump.Runs.RunRecord run, CancellationToken ct);
}
