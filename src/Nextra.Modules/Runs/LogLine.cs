namespace Nextra.Modules.Runs;

/// <summary>One line of a flow's log (pump events and handler logs).</summary>
public sealed record LogLine(DateTimeOffset At, string Level, string Message);
