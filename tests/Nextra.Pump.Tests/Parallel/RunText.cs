namespace Nextra.Pump.Tests.Parallel;

/// <summary>A run's steps as text, for assertion messages.</summary>
internal static class RunText
{
    public static string Of(Nextra.Pump.Runs.RunRecord run) => string.Join("\n", run.Steps.Select(s =>
        $"#{s.Index} {s.From}->{s.Listener} [{s.Class}] to={s.To} err={s.Error?.Code}:{s.Error?.Message} thread={s.Thread[..8]}")) + $"\nstatus={run.Status} error={run.Error}";
}
