namespace Nextra.Modules.Common;

/// <summary>Who did something: the user (null for a failed sign-in of an unknown email) and how they came in.</summary>
public sealed record AuditActor(string? UserId, string? Email, string Via)
{
    /// <summary>The caller of the current request: <c>session</c> for a cookie, <c>apikey</c> for a key.</summary>
    public static AuditActor Of(ICurrentUser user) =>
        new(user.UserId, user.Email, user.Scheme == "apikey" ? AuditVia.ApiKey : AuditVia.Session);
}

/// <summary>The <c>via</c> values of an audit entry.</summary>
public static class AuditVia
{
    public const string Session = "session";
    public const string ApiKey = "apikey";
    public const string Sso = "sso";
    public const string Cli = "cli";
}

/// <summary>One thing to record in a tenant's audit log (never a secret's value: names only).</summary>
public sealed record AuditRecord(string TenantId, AuditActor Actor, string Action, string? Target = null, string? Detail = null, string? Ip = null);

/// <summary>
/// The append-only audit log (module Audit; SQLite or Postgres). Modules record what people do: sign-ins, member,
/// role and invite changes, keys, secrets, flows, tiers. Routes whose action is declared in <see cref="RouteTable"/>
/// are recorded by the Audit module itself after they succeed.
/// </summary>
public interface IAuditLog
{
    Task RecordAsync(AuditRecord record, CancellationToken ct = default);
}
