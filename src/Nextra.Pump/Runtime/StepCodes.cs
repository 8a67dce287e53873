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
    /// <summary>A fan-out branch (map item, sequence step) ended without answering its collector and without an error.</summary>
    public const string BranchEnded = "branch_ended";
    /// <summary>A branch a join expects was never sent (the fan-out did not name it).</summary>
    public const string NotStarted = "not_started";
    public const string TooManyBranches = "too_many_branches";
    public const string TooManyItems = "too_many_items";
    /// <summary>A collector received a message that is not the answer of one of its branches.</summary>
    public const string NotABranch = "not_a_branch";
    public const string SequenceFailed = "sequence_failed";
    /// <summary>A branch's answer does not fit the result item's payload field.</summary>
    public const string PayloadMismatch = "payload_mismatch";
    /// <summary>An answer that came after its join, map or sequence had emitted (after a timeout): discarded.</summary>
    public const string LateAnswer = "late_answer";
    /// <summary>A second answer of a branch that had already answered: discarded.</summary>
    public const string DuplicateAnswer = "duplicate_answer";
    /// <summary>An answer of a branch the join does not expect (not among its <c>expect</c>): discarded.</summary>
    public const string UnexpectedBranch = "unexpected_branch";

    /// <summary>A code, plugin or HTTP step with peers answered its caller instead: its result went nowhere it was drawn to.</summary>
    public const string NotForwarded = "not_forwarded";

    /// <summary>Notes are recorded as steps but never fail a run.</summary>
    public static bool IsNote(string code) => code is ThreadReplaced or XmlRepaired or BufferFull or LateAnswer or DuplicateAnswer or UnexpectedBranch or NotForwarded;
}
