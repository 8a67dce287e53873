using System.Text.Json;

namespace Nextra.Modules.Marketplace;

// Wire records of the Marketplace section of docs/api.md (names and shapes fixed by issue 14).

/// <summary>One card of <c>GET /api/marketplace/tools|flows</c>.</summary>
public sealed record ListingSummary(string Id, string Kind, string Version, string DisplayName, string Summary, string[] Categories,
    string Publisher, string ReviewLevel, long Installs, long VotesUp, long VotesDown, DateTimeOffset UpdatedAt);

public sealed record ListingPage(ListingSummary[] Items, string? NextCursor);

public sealed record ListingVersion(string Version, string State, string Digest, DateTimeOffset CreatedAt);

/// <summary>A secret a tool or template needs: its name, why, and (tools) the only hosts it may be sent to.</summary>
public sealed record ListingSecret(string Name, string? Purpose, string[] Hosts);

/// <summary>A template input (R6): id, type string|int|bool|enum|url, label, default, required, pattern, enum values.</summary>
public sealed record TemplateInput(string Id, string? Type = "string", string? Label = null, string? Default = null, bool Required = false,
    string? Pattern = null, string[]? Values = null);

/// <summary>
/// A vote with its review text on a listing page. <see cref="Id"/> is what <c>POST …/reviews/{reviewId}/reports</c> takes.
/// Others see only counted, visible reviews; the author also sees its own while <see cref="Held"/> (its tenant is younger than
/// <c>min_voter_age_days</c>: not yet in the totals) or <see cref="Hidden"/> (3 tenants reported it; an operator may restore it).
/// </summary>
public sealed record ListingReview(string Id, bool Up, string? Text, DateTimeOffset CreatedAt, bool Mine = false, bool Held = false, bool Hidden = false,
    string? Reply = null, DateTimeOffset? RepliedAt = null);

/// <summary><c>GET /api/marketplace/{tools|flows}/{publisher}/{name}</c>.</summary>
public sealed record ListingDetail(string Id, string Kind, string Publisher, string Name, string Version, string DisplayName, string Summary,
    string[] Categories, string ReviewLevel, string Visibility, long Installs, long VotesUp, long VotesDown, DateTimeOffset UpdatedAt,
    ListingVersion[] Versions, ToolPermissions? Permissions, string[] PermissionSummary, string ReadmeHtml, ListingSecret[] Secrets,
    TemplateInput[] Inputs, string[] Tools, ListingReview[] Reviews, string? InstallId, bool SignatureValid);

/// <summary><c>POST /api/marketplace/publish</c> (JSON form): a tool from a registered module, or a template from a flow.</summary>
public sealed record PublishRequest(string? Kind, string? ModuleId, string? FlowId, string? Name, string? Version, string? DisplayName,
    string? Summary, string? Readme, string[]? Categories, ToolPermissions? Permissions, TemplateInput[]? Inputs, string? Visibility);

public sealed record PublishAccepted(string SubmissionId);

public sealed record SubmissionCheck(string Name, bool Ok, string? Detail);

public sealed record SubmissionResponse(string Id, string State, SubmissionCheck[] Checks, string? ListingId, string? Version, string? SanitizedYaml);

/// <summary><c>POST /api/marketplace/installs</c>: the listing id (publisher/name), the version (latest when null), consent, and secret bindings (tool secret → tenant secret).</summary>
public sealed record InstallRequest(string? Id, string? Version, bool AcceptPermissions, Dictionary<string, string>? SecretBindings);

/// <summary><c>PATCH /api/marketplace/installs/{id}</c>: approve the pending upgrade, move to a version, roll back, toggle auto-update.</summary>
public sealed record InstallPatch(bool? Approve, string? Version, bool? Rollback, bool? AutoUpdate, bool? AcceptPermissions,
    Dictionary<string, string>? SecretBindings);

public sealed record InstallResponse(string Id, string ListingId, string Kind, string Version, string Major, string Digest, string Module,
    ToolPermissions? Permissions, string[] PermissionSummary, Dictionary<string, string> SecretBindings, bool AutoUpdate,
    string? PendingVersion, string[] PendingChanges, string? PreviousVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>POST /api/marketplace/flows/{publisher}/{name}/use</c>.</summary>
public sealed record UseTemplateRequest(string? Version, string? Name, Dictionary<string, JsonElement>? Inputs, Dictionary<string, string>? SecretBindings);

/// <summary><c>POST …/votes</c>: one per tenant, a repeat replaces it.</summary>
public sealed record VoteRequest(bool Up, string? Text);

/// <summary>The listing's counted totals after the vote; <see cref="Held"/> when this vote is not counted yet (until <see cref="CountsFrom"/>).</summary>
public sealed record VoteResponse(long VotesUp, long VotesDown, string? ReviewId = null, bool Held = false, DateTimeOffset? CountsFrom = null);

/// <summary><c>GET /api/marketplace/publisher</c> and <c>PUT</c>: the tenant's handle (changeable until its first publication) and key id.</summary>
public sealed record PublisherResponse(string Handle, bool Published, string KeyId, string PublicKey);

public sealed record PublisherRequest(string? Handle);

/// <summary>The template a flow was created from (R6): its id, version, digest and the inputs used.</summary>
public sealed record TemplateOrigin(string Id, string Version, string Digest, Dictionary<string, string> Inputs);

/// <summary>A tenant secret a template flow needs: whether the flow's YAML still uses it, and whether the tenant has it (bound).</summary>
public sealed record TemplateFlowSecret(string Name, bool Used, bool Bound);

/// <summary><c>GET /api/marketplace/template-flows[/{flowId}]</c>: a flow made from a template and whether its setup is complete (every used secret bound).</summary>
public sealed record TemplateFlowSetup(string FlowId, TemplateOrigin Template, TemplateFlowSecret[] Secrets, bool SetupComplete, string[] UnboundSecrets);

/// <summary><c>POST /api/marketplace/flows/{publisher}/{name}/use</c> → 201: the new (stopped) Flow, with its template and what is still unbound.</summary>
public sealed record UsedTemplateFlow(string Id, string Name, string Description, string OrganismYaml, JsonElement? CanvasState, string Status, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, TemplateOrigin Template, bool SetupComplete, string[] UnboundSecrets);

/// <summary><c>POST /api/marketplace/{tools|flows}/{publisher}/{name}/reports</c>: reason malware | stolen-credentials | spam | broken | impersonation | other.</summary>
public sealed record ReportRequest(string? Reason, string? Text);

public sealed record ReportResponse(string ListingId, string Reason, string State);

/// <summary>One of the publisher's listings in <c>GET /api/marketplace/publisher/stats</c>.</summary>
public sealed record ListingStats(string Id, string Kind, string? Version, string Visibility, long Installs, long VotesUp, long VotesDown,
    long ActiveTenants30d, long Reports);

public sealed record PublisherStats(string Handle, ListingStats[] Listings);

/// <summary><c>POST /api/marketplace/{tools|flows}/{publisher}/{name}/reviews/{reviewId}/reports</c>: the tenant's report of a review (one per tenant, a repeat replaces it).</summary>
public sealed record ReviewReportResponse(string ReviewId, string Reason, string State, bool Hidden);

/// <summary>A review hidden after reports from 3 distinct tenants, as the operator sees it (<c>nextra marketplace review hidden</c>).</summary>
public sealed record HiddenReview(string Id, string ListingId, string TenantId, bool Up, string? Text, long Reports, string HiddenAt);
