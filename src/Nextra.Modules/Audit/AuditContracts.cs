namespace Nextra.Modules.Audit;

// Wire records of GET /api/audit (docs/api.md, Audit log).

public sealed record AuditActorResponse(string? UserId, string? Email, string Via);

public sealed record AuditItem(DateTimeOffset At, AuditActorResponse Actor, string Action, string? Target, string? Detail, string? Ip);

public sealed record AuditPage(AuditItem[] Items, string? NextBefore);
