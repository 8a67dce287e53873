namespace Nextra.Pump.Runtime;

/// <summary>Stable step error codes and how they weigh on a run's status.</summary>
public static class StepCodes
{
    public const string HandlerCrashed = "handler_crashed";
    public const string Timeout = "timeout";
    public const string PeerViolation = "peer_violation";
    public const string NoRoute = "no_route";
    public const string PayloadInvalid = "payload_invalid";
    public const string DepthExceeded = "depth_exceeded";
    public const string BufferFull = "buffer_full";
    public const string ListenerRemoved = "listener_removed";
    public const string InvalidResult = "invalid_result";
    public const string Cancelled = "cancelled";
    public const string RunTimedOut = "run_timed_out";
    public const string NoOutput = "no_output";
    public const string ThreadReplaced = "thread_replaced";
    public const string XmlRepaired = "xml_repaired";

    /// <summary>Notes are recorded as steps but never fail a run.</summary>
    public static bool IsNote(string code) => code is ThreadReplaced or XmlRepaired or BufferFull;
}
