namespace Nextra.Modules.Storage;

/// <summary>
/// Logical database names. On SQLite each is a file <c>{DataDir}/{name}.db</c>, so noisy writes (traces, the
/// trigger inbox) never queue behind control-plane writes; on Postgres they are one database.
/// </summary>
public static class Databases
{
    /// <summary>Control-plane data: tenants, users, flows, versions, secrets, modules.</summary>
    public const string ControlPlane = "nextra";

    /// <summary>The durable trigger inbox, schedule slots, webhook tokens, flow run-time state, monthly counts.</summary>
    public const string Inbox = "inbox";

    /// <summary>Run traces and flow logs.</summary>
    public const string Traces = "traces";
}
