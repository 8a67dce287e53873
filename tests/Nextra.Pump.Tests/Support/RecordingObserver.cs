using System.Collections.Concurrent;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;

namespace Nextra.Pump.Tests.Support;

/// <summary>Records every pump callback in order.</summary>
public sealed class RecordingObserver : IPumpObserver
{
    public ConcurrentQueue<string> Events { get; } = new();
    public ConcurrentQueue<(string Listener, string State, string Thread)> States { get; } = new();
    public ConcurrentQueue<string> Logs { get; } = new();
    public bool Throw { get; init; }

    public void RunStarted(RunRecord run, Injection injection) => Add($"run-started {run.RunId}");
    public void StepStarted(RunRecord run, RunStep step) => Add($"step-started {step.Listener}");
    public void StepCompleted(RunRecord run, RunStep step) => Add($"step-completed {step.Listener} {step.Error?.Code}".TrimEnd());
    public void RunCompleted(RunRecord run) => Add($"run-completed {run.Status}");

    public void AgentState(string listener, string state, string threadId)
    {
        States.Enqueue((listener, state, threadId));
        Add($"{listener}:{state}");
    }

    public void Log(string level, string message) => Logs.Enqueue($"{level}: {message}");

    private void Add(string e)
    {
        Events.Enqueue(e);
        if (Throw)
        {
            throw new InvalidOperationException("observer failure");
        }
    }
}
